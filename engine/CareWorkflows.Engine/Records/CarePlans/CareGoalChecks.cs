using System.Globalization;

namespace CareWorkflows.Engine.Records.CarePlans;

/// <summary>Checks a goal request; every problem is named by its field with how to fix it.</summary>
internal static class CareGoalChecks
{
    public const int MaxGoalLength = 500;
    public const int MaxStoryLength = 2000;

    /// <summary>The problems of a request to set a new goal (<paramref name="current"/> null) or revise one.</summary>
    public static Dictionary<string, string[]> Check(CareGoalRequest request, CareGoal? current)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (current is null && string.IsNullOrWhiteSpace(request.Goal))
        {
            errors["goal"] = ["Write the goal, in the patient's words (e.g. \"walk 20 minutes after dinner 5 days a week\")."];
        }
        else if (request.Goal is { Length: > MaxGoalLength })
        {
            errors["goal"] = [$"A goal is at most {MaxGoalLength} characters; this one has {request.Goal.Length}."];
        }

        if (current is null && request.Confidence is null)
        {
            errors["confidence"] = ["Give the patient's confidence in reaching the goal, from 1 (not at all) to 10 (fully)."];
        }
        else if (request.Confidence is < 1 or > 10)
        {
            errors["confidence"] = [$"Confidence is a whole number from 1 (not at all) to 10 (fully); {request.Confidence} is outside that scale."];
        }

        if (request.Barriers?.Any(string.IsNullOrWhiteSpace) == true)
        {
            errors["barriers"] = ["Name each barrier (e.g. \"transport\", \"cost of strips\"); an empty one was sent."];
        }

        if (request.Status is not null && !CareGoal.Statuses.Contains(request.Status))
        {
            errors["status"] = [$"Unknown status '{request.Status}'. Use {string.Join(", ", CareGoal.Statuses)}."];
        }

        if (request.SetOn is not null && ParseDate(request.SetOn) is null)
        {
            errors["setOn"] = [$"'{request.SetOn}' is not a date; write it as YYYY-MM-DD."];
        }

        if (request.AttainedOn is not null && ParseDate(request.AttainedOn) is null)
        {
            errors["attainedOn"] = [$"'{request.AttainedOn}' is not a date; write it as YYYY-MM-DD."];
        }

        var status = request.Status ?? current?.Status ?? CareGoal.Active;
        if (request.AttainedOn is not null && status != CareGoal.Attained)
        {
            errors["attainedOn"] = ["Only an attained goal has an attainment date; send status \"attained\" with it."];
        }

        var setOn = ParseDate(request.SetOn) ?? current?.SetOn;
        if (ParseDate(request.AttainedOn) is { } attained && setOn is { } set && attained < set)
        {
            errors["attainedOn"] = [$"The goal was set on {set:yyyy-MM-dd}; it cannot be attained before that."];
        }

        if (request.SuccessStory is not null && status != CareGoal.Attained)
        {
            errors["successStory"] = ["A success story belongs to an attained goal; send status \"attained\" (or revise an attained goal)."];
        }
        else if (request.SuccessStory is { Length: > MaxStoryLength })
        {
            errors["successStory"] = [$"Keep the success story short: at most {MaxStoryLength} characters; this one has {request.SuccessStory.Length}."];
        }

        if (string.IsNullOrWhiteSpace(request.By))
        {
            errors["by"] = ["Name the staff member (their staff id) who records the goal."];
        }

        return errors;
    }

    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
