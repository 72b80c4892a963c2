using System.Security.Cryptography;
using System.Text;

namespace CareWorkflows.Engine.Access;

/// <summary>What a key grants, as listed (no secret).</summary>
internal sealed record ApiKeyInfo(string Id, string Name, string Role, IReadOnlyList<string> Practices, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>A PO-level key: every practice and the PO's standard definitions.</summary>
    public bool AllPractices => Practices is [ApiKey.AllPractices];
}

/// <summary>
/// The key format <c>cfk_{id}_{secret}</c>: the id finds the row, the secret (256 random bits, base64url) is
/// checked against its stored SHA-256 in constant time. A slow password hash is not needed for a secret of that
/// entropy, and it would cost every request (docs/decisions/0015).
/// </summary>
internal static class ApiKey
{
    public const string Prefix = "cfk_";
    public const string AllPractices = "*";
    private const int IdLength = 12;
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new key id and the whole key to hand out once.</summary>
    public static (string Id, string Key, string SecretHash) New()
    {
        var id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}", Hash(secret));
    }

    /// <summary>Splits a presented key into id and secret; null when it is not shaped like a careflow key.</summary>
    public static (string Id, string Secret)? Parse(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != IdLength || rest.Length - separator - 1 < 40)
        {
            return null;
        }

        return (rest[..separator].ToString(), rest[(separator + 1)..].ToString());
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="storedHash"/>; takes the same time either way.</summary>
    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
