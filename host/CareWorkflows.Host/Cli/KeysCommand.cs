using System.CommandLine;
using System.Globalization;
using CareWorkflows.Engine.Access;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Cli;

/// <summary><c>careflow keys create|list|revoke</c>: API keys in the store of a data folder.</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "API keys: each carries a role and the practices it may see. The key is shown once; the store keeps only its hash.")
        {
            CreateCommand(), ListCommand(), RevokeCommand(),
        };
        return command;
    }

    private static Option<DirectoryInfo> DataOption() =>
        new("--data") { Description = "The data folder of the store (careflow.db), as for careflow serve.", DefaultValueFactory = _ => new DirectoryInfo("careflow-data") };

    private static Option<string?> PostgresOption() =>
        new("--postgres") { Description = "The PostgreSQL database of the store instead of --data, as given to careflow serve --postgres." };

    private static Command CreateCommand()
    {
        var role = new Option<string>("--role") { Description = $"What the key may do: {AccessPolicy.RoleList} (README, 'Who may do what').", Required = true };
        role.AcceptOnlyFromAmong([.. AccessPolicy.Roles.Keys]);
        var practice = new Option<string[]>("--practice") { Description = "A practice the key may see; repeat for several.", AllowMultipleArgumentsPerToken = false };
        var all = new Option<bool>("--all-practices") { Description = "A PO-level key: every practice, and the PO's standard definitions." };
        var name = new Option<string?>("--name") { Description = "A label saying who or what uses the key (shown by keys list and in the audit trail)." };
        var data = DataOption();
        var postgres = PostgresOption();
        var command = new Command("create", "Create a key. The key is printed once on standard output (the details on standard error): store it now.")
        {
            role, practice, all, name, data, postgres,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var practices = parse.GetValue(practice) ?? [];
            var allPractices = parse.GetValue(all);
            if (practices.Length == 0 == !allPractices)
            {
                Console.Error.WriteLine("Give the practices the key may see (--practice P, repeated for several), or --all-practices for a PO-level key; not both.");
                return 2;
            }

            if (practices.FirstOrDefault(p => string.IsNullOrWhiteSpace(p) || p.Contains(',', StringComparison.Ordinal) || p == ApiKey.AllPractices) is { } bad)
            {
                Console.Error.WriteLine($"--practice '{bad}' is not a practice id. Repeat --practice for several practices; use --all-practices for every one.");
                return 2;
            }

            await using var store = await KeyStore.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            var label = parse.GetValue(name) ?? $"{parse.GetValue(role)} key";
            var (info, key) = await store.Keys.CreateAsync(label, parse.GetValue(role)!, allPractices ? [ApiKey.AllPractices] : [.. practices.Distinct(StringComparer.Ordinal)], cancellationToken);
            Console.Error.WriteLine($"Created key {info.Id} '{info.Name}': role {info.Role}, practices {Practices(info)}.");
            Console.Error.WriteLine("This is the only time the key is shown. Send it as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>':");
            Console.Out.WriteLine(key);
            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var data = DataOption();
        var postgres = PostgresOption();
        var command = new Command("list", "List keys: id, name, role, practices, created, revoked. Never the secrets (the store does not have them).") { data, postgres };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var store = await KeyStore.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            var keys = await store.Keys.ListAsync(cancellationToken);
            Console.Out.WriteLine($"{"id",-12}  {"role",-13}  {"practices",-20}  {"created",-20}  {"revoked",-20}  name");
            foreach (var key in keys)
            {
                Console.Out.WriteLine($"{key.Id,-12}  {key.Role,-13}  {Practices(key),-20}  {Time(key.CreatedAt),-20}  {(key.RevokedAt is { } at ? Time(at) : "-"),-20}  {key.Name}");
            }

            return 0;
        });
        return command;
    }

    private static Command RevokeCommand()
    {
        var id = new Argument<string>("id") { Description = "The key id (keys list shows it; it is also the part after 'cfk_' of the key)." };
        var data = DataOption();
        var postgres = PostgresOption();
        var command = new Command("revoke", "Revoke a key: from the next request on it is refused (401).") { id, data, postgres };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var store = await KeyStore.OpenAsync(parse.GetValue(data)!, parse.GetValue(postgres), cancellationToken);
            if (await store.Keys.RevokeAsync(parse.GetValue(id)!, cancellationToken) is not { } key)
            {
                Console.Error.WriteLine($"There is no key '{parse.GetValue(id)}' in {parse.GetValue(data)!.FullName}. 'careflow keys list' shows the ids.");
                return 1;
            }

            Console.Out.WriteLine($"Revoked key {key.Id} '{key.Name}' ({key.Role}, practices {Practices(key)}) at {Time(key.RevokedAt!.Value)}.");
            return 0;
        });
        return command;
    }

    private static string Practices(ApiKeyInfo key) => key.AllPractices ? "all (PO level)" : string.Join(",", key.Practices);

    private static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The key store of a data folder, migrated.</summary>
    private sealed class KeyStore(ServiceProvider services) : IAsyncDisposable
    {
        public ApiKeyStore Keys => services.GetRequiredService<ApiKeyStore>();

        public static async Task<KeyStore> OpenAsync(DirectoryInfo data, string? postgres, CancellationToken cancellationToken)
        {
            return new KeyStore(await CliStore.OpenAsync(data, cancellationToken, postgres));
        }

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
