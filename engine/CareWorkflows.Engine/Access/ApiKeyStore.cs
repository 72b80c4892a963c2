using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Access;

/// <summary>Creates, lists, revokes and checks API keys in the store.</summary>
internal sealed class ApiKeyStore(IDbContextFactory<CareflowDbContext> contexts, TimeProvider time)
{
    /// <summary>Stores a new key; answers its details and the key itself, which is not kept anywhere.</summary>
    public async Task<(ApiKeyInfo Info, string Key)> CreateAsync(string name, string role, IReadOnlyList<string> practices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(practices);
        var (id, key, hash) = ApiKey.New();
        var row = new ApiKeyRow
        {
            Id = id,
            Name = name,
            Role = role,
            Practices = string.Join(',', practices),
            SecretHash = hash,
            CreatedAt = time.GetUtcNow(),
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return (ToInfo(row), key);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ApiKeys.AsNoTracking().OrderBy(k => k.CreatedAt).ToListAsync(cancellationToken);
        return [.. rows.Select(ToInfo)];
    }

    /// <summary>Revokes a key at once; false when there is no such key. Revoking twice keeps the first time.</summary>
    public async Task<ApiKeyInfo?> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        row.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return ToInfo(row);
    }

    /// <summary>The key's grant when <paramref name="presented"/> is a current (not revoked) key; null otherwise.</summary>
    public async Task<ApiKeyInfo?> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        if (ApiKey.Parse(presented) is not { } parts)
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == parts.Id, cancellationToken);
        return row is { RevokedAt: null } && ApiKey.Matches(parts.Secret, row.SecretHash) ? ToInfo(row) : null;
    }

    private static ApiKeyInfo ToInfo(ApiKeyRow row) =>
        new(row.Id, row.Name, row.Role, row.Practices.Split(',', StringSplitOptions.RemoveEmptyEntries), row.CreatedAt, row.RevokedAt);
}
