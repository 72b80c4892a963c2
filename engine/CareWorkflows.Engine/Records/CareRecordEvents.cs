using CareWorkflows.Engine.Records.Interactions;
using CareWorkflows.Engine.Records.Referrals;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Records;

/// <summary>
/// The care records events leave behind, added to the patient's working copy so that they are written in the same
/// transaction as the event's other effects: an interaction for every completed task and every
/// <c>interaction.recorded</c>, and a referral record change for every <c>referral.*</c> event.
/// </summary>
internal static class CareRecordEvents
{
    /// <summary>The referral kinds a referral.sent may name.</summary>
    public static readonly IReadOnlyList<string> ReferralKinds = ["specialty", "community", "behavioral-health"];

    private static readonly Dictionary<string, ReferralStatus> ReferralEvents = new(StringComparer.Ordinal)
    {
        ["referral.sent"] = ReferralStatus.Sent,
        ["referral.scheduled"] = ReferralStatus.Scheduled,
        ["referral.completed"] = ReferralStatus.Completed,
        ["referral.cancelled"] = ReferralStatus.Lost,
    };

    /// <summary>Records what an event other than a task completion leaves behind, if anything.</summary>
    public static void Apply(RunContext run)
    {
        var e = run.Event;
        if (e.Type == Interaction.RecordedEvent)
        {
            var role = e.Data.GetValueOrDefault("role");
            if (role is not null && !run.Current.Catalog.Roles.ContainsKey(role))
            {
                throw new InvalidOperationException($"interaction.recorded names role '{role}', which workflows/catalog.yaml does not declare.");
            }

            var interaction = NewInteraction(run, e.Data.GetValueOrDefault("channel"), role) with { Outcome = e.Outcome };
            run.Work.Add(interaction);
            run.Work.Add(new TimelineEntry
            {
                At = run.At,
                Type = Interaction.RecordedEvent,
                PracticeId = e.PracticeId,
                PatientId = e.PatientId,
                Role = role,
                Outcome = e.Outcome,
                Detail = $"{interaction.Channel}, {interaction.Minutes} minutes",
            });
        }
        else if (ReferralEvents.TryGetValue(e.Type, out var status))
        {
            var kind = e.Data.GetValueOrDefault("kind");
            if (kind is not null && !ReferralKinds.Contains(kind))
            {
                throw new InvalidOperationException($"{e.Type} names referral kind '{kind}'; use {string.Join(", ", ReferralKinds)}.");
            }

            // A referral event without a referral id can only be the sent one: its own id names the referral.
            var referral = e.Data.GetValueOrDefault("referral") ?? (status == ReferralStatus.Sent ? e.EventId : null);
            if (referral is null)
            {
                return;
            }

            run.Work.Add(new ReferralChange
            {
                PracticeId = e.PracticeId,
                PatientId = e.PatientId,
                ReferralId = referral,
                Status = status,
                At = run.At,
                Kind = kind,
                To = e.Data.GetValueOrDefault("to"),
                Reason = e.Data.GetValueOrDefault("reason"),
                AppointmentAt = run.ParseTime(e.Data.GetValueOrDefault("appointment-at")),
                By = e.By,
                EventId = e.EventId,
            });
        }
    }

    /// <summary>The interaction a completed task records: its outcome, minutes, note and role, with the channel, obstacles and face-to-face flag sent with the completion.</summary>
    public static void TaskCompleted(RunContext run, CareTask task) =>
        run.Work.Add(NewInteraction(run, run.Event.Data.GetValueOrDefault("channel"), task.Role) with
        {
            Outcome = run.Event.Outcome,
            StaffId = run.Event.By ?? task.Assignee,
            TaskId = task.Id,
            WorkflowId = task.WorkflowId,
            StepId = task.StepId,
            Form = task.Form,
        });

    private static Interaction NewInteraction(RunContext run, string? channel, string? role)
    {
        var e = run.Event;
        channel = string.IsNullOrWhiteSpace(channel) ? Interaction.UnspecifiedChannel : channel.Trim().ToLowerInvariant();
        return new Interaction
        {
            Id = Interaction.IdFor(e.PracticeId, e.EventId),
            PracticeId = e.PracticeId,
            PatientId = e.PatientId,
            At = run.At,
            Month = Interaction.MonthOf(run.Calendar.LocalDate(run.At)),
            Channel = channel,
            Obstacles = Interaction.ParseObstacles(e.Data.GetValueOrDefault("obstacles")),
            Minutes = e.Minutes ?? 0,
            StaffId = e.By,
            Role = role,
            FaceToFace = channel == "in-person" || string.Equals(e.Data.GetValueOrDefault("face-to-face"), "true", StringComparison.OrdinalIgnoreCase),
            Note = e.Note,
            EventId = e.EventId,
        };
    }
}
