namespace CareWorkflows.Engine.Access;

/// <summary>An API key as stored: never the secret, only its SHA-256.</summary>
internal sealed class ApiKeyRow
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }

    /// <summary>Comma-separated practice ids, or <see cref="ApiKey.AllPractices"/> for a PO-level key.</summary>
    public required string Practices { get; set; }

    /// <summary>Lower-case hex SHA-256 of the secret part of the key.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
