using System.Globalization;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Tests.Interop;

namespace CareWorkflows.Tests.Reports;

/// <summary>Events of a made-up month for practice demo (America/Chicago; holidays in workflows/practices/demo/practice.yaml).</summary>
internal static class ReportEvents
{
    public const string Practice = "demo";

    /// <summary>An event at an ISO 8601 time with offset.</summary>
    public static WorkflowEvent Event(string id, string patient, string type, string at, Dictionary<string, string>? data = null, string? outcome = null, int? minutes = null, string? by = null) => new()
    {
        EventId = id,
        PracticeId = Practice,
        PatientId = patient,
        Type = type,
        At = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture),
        Data = data ?? [],
        Outcome = outcome,
        Minutes = minutes,
        By = by,
    };

    /// <summary>A contact or piece of work recorded on its own (interaction.recorded).</summary>
    public static WorkflowEvent Interaction(string id, string patient, string at, string role, int minutes, string channel = "phone", string? outcome = "reached", string? obstacles = null)
    {
        var data = new Dictionary<string, string> { ["channel"] = channel, ["role"] = role };
        if (obstacles is not null)
        {
            data["obstacles"] = obstacles;
        }

        return Event(id, patient, "interaction.recorded", at, data, outcome, minutes, "staff-" + role);
    }

    /// <summary>Applies events to the store; every one must apply.</summary>
    public static async Task ApplyAllAsync(this InteropStore store, params WorkflowEvent[] events)
    {
        var summary = await store.ApplyAsync(events);
        Assert.True(summary.Failed == 0, string.Join("; ", summary.Errors.Select(e => $"{e.EventId}: {e.Error}")));
    }

    /// <summary>The report as CSV lines (header first).</summary>
    public static async Task<string[]> CsvAsync(this InteropStore store, string report, string month)
    {
        var table = await store.Reports.RunAsync(report, Practice, month, CancellationToken.None);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        ReportFormats.WriteCsv(table, writer);
        return writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }
}
