using CareWorkflows.Engine.Access;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Host.Hosting;

/// <summary>
/// `careflow serve --demo`: synthetic patients of the demo practice and a few past events, so a newcomer sees
/// open tasks at once, a reminder going out within a minute, and an overdue contact escalated on the first sweep.
/// Never real data. Event ids are fixed, so a restart does not add the demo twice.
/// </summary>
internal sealed partial class DemoData(RuntimeStore store, TimeProvider time, ILogger<DemoData> logger) : BackgroundService
{
    public const string Practice = "demo";
    public const string KeyName = "demo admin (serve --demo)";

    /// <summary>
    /// A fresh admin key for the demo practice, printed in the start-up lines; the one an earlier demo start printed
    /// is revoked, so a demo key lives only as long as the demo run that showed it.
    /// </summary>
    public static async Task<string> CreateKeyAsync(ApiKeyStore keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var earlier in (await keys.ListAsync(cancellationToken)).Where(k => k.Name == KeyName && k.RevokedAt is null))
        {
            await keys.RevokeAsync(earlier.Id, cancellationToken);
        }

        var (_, key) = await keys.CreateAsync(KeyName, Access.AccessPolicy.Admin, [Practice], cancellationToken);
        return key;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        var results = await store.SubmitAsync(Events(now), stoppingToken);
        var applied = results.Count(r => r.Status == SubmissionStatus.Applied);
        LogDemoLoaded(logger, applied, Practice);
    }

    public static IReadOnlyList<WorkflowEvent> Events(DateTimeOffset now) =>
    [
        Facts("demo-1", now.AddDays(-30), ("age", "68"), ("conditions", "diabetes,heart-failure"), ("hba1c", "9.6"), ("ed-visits-6m", "2"), ("preferred-channel", "sms")),
        Facts("demo-2", now.AddDays(-30), ("age", "59"), ("conditions", "copd,hypertension"), ("admissions-12m", "1")),
        Facts("demo-3", now.AddDays(-30), ("age", "52"), ("conditions", "diabetes"), ("hba1c", "7.2"), ("language", "es")),
        Facts("demo-4", now.AddDays(-30), ("age", "41"), ("conditions", "")),
        // Discharged four days ago and never called: the 2-business-day TCM contact is overdue and escalates.
        Event("demo-2", "discharge", "patient.discharged", now.AddDays(-4), ("setting", "inpatient"), ("disposition", "home")),
        // An appointment three days and forty seconds from now: its "3 days before" reminder goes out in forty seconds.
        Event("demo-3", "appointment", "appointment.scheduled", now.AddDays(-1), ("start", now.AddDays(3).AddSeconds(40).ToString("O", System.Globalization.CultureInfo.InvariantCulture)), ("place", "Lakeside clinic, room 2")),
        Event("demo-1", "visit", "visit.completed", now.AddDays(-2), ("goals-established", "false")),
    ];

    private static WorkflowEvent Facts(string patient, DateTimeOffset at, params (string Name, string Value)[] facts) =>
        Event(patient, "facts", "patient.updated", at, facts);

    private static WorkflowEvent Event(string patient, string name, string type, DateTimeOffset at, params (string Key, string Value)[] data) => new()
    {
        EventId = $"{patient}-{name}",
        PracticeId = Practice,
        PatientId = patient,
        Type = type,
        At = at,
        Data = data.ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {Applied} synthetic events applied for practice {Practice}")]
    private static partial void LogDemoLoaded(ILogger logger, int applied, string practice);
}
