using System.Globalization;
using CareWorkflows.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Engine.Records.CarePlans;

/// <summary>Care-plan goals of one practice's patients: read, set, revise. Each write is one transaction.</summary>
internal sealed class CarePlanStore(IDbContextFactory<CareflowDbContext> contexts, TimeProvider time)
{
    public async Task<IReadOnlyList<CareGoal>> GoalsAsync(string practiceId, string patientId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.CareGoals.AsNoTracking().Where(g => g.PracticeId == practiceId && g.PatientId == patientId).ToListAsync(cancellationToken);
        return [.. rows.Select(ToGoal).OrderBy(g => g.SetOn).ThenBy(g => GoalNumber(g.Id))];
    }

    public async Task<CareGoal?> GoalAsync(string practiceId, string patientId, string goalId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.CareGoals.AsNoTracking().FirstOrDefaultAsync(g => g.PracticeId == practiceId && g.PatientId == patientId && g.GoalId == goalId, cancellationToken);
        return row is null ? null : ToGoal(row);
    }

    /// <summary>Sets a new goal (already checked by <see cref="CareGoalChecks"/>); its id is g-1, g-2 ... per patient.</summary>
    public async Task<CareGoal> AddAsync(string practiceId, string patientId, CareGoalRequest request, DateOnly today, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = await db.CareGoals.AsNoTracking().Where(g => g.PracticeId == practiceId && g.PatientId == patientId).Select(g => g.GoalId).ToListAsync(cancellationToken);
        var row = new CareGoalRow
        {
            PracticeId = practiceId,
            PatientId = patientId,
            GoalId = $"g-{ids.Select(GoalNumber).DefaultIfEmpty(0).Max() + 1}",
            Goal = request.Goal!.Trim(),
            Status = CareGoal.Active,
            SetOn = CareGoalChecks.ParseDate(request.SetOn) ?? today,
            SetBy = request.By,
        };
        Apply(row, request, today);
        db.CareGoals.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ToGoal(row);
    }

    /// <summary>Revises a goal (already checked); null when the patient has no such goal.</summary>
    public async Task<CareGoal?> UpdateAsync(string practiceId, string patientId, string goalId, CareGoalRequest request, DateOnly today, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.CareGoals.FirstOrDefaultAsync(g => g.PracticeId == practiceId && g.PatientId == patientId && g.GoalId == goalId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        if (request.Goal is not null)
        {
            row.Goal = request.Goal.Trim();
        }

        if (request.SetOn is not null)
        {
            row.SetOn = CareGoalChecks.ParseDate(request.SetOn)!.Value;
        }

        Apply(row, request, today);
        await db.SaveChangesAsync(cancellationToken);
        return ToGoal(row);
    }

    /// <summary>Every goal of the practice, for the goals report.</summary>
    public static async Task<List<CareGoal>> AllAsync(CareflowDbContext db, string practiceId, CancellationToken cancellationToken) =>
        [.. (await db.CareGoals.AsNoTracking().Where(g => g.PracticeId == practiceId).ToListAsync(cancellationToken)).Select(ToGoal)];

    private void Apply(CareGoalRow row, CareGoalRequest request, DateOnly today)
    {
        if (request.Barriers is not null)
        {
            row.Barriers = StoreJson.Write(request.Barriers.Select(b => b.Trim()).ToList());
        }

        row.Confidence = request.Confidence ?? row.Confidence;
        row.FollowUpPlan = request.FollowUpPlan ?? row.FollowUpPlan;
        if (request.Status is not null && request.Status != row.Status)
        {
            row.Status = request.Status;
            // Attained without a date means attained today; leaving "attained" clears the date and the story.
            row.AttainedOn = request.Status == CareGoal.Attained ? CareGoalChecks.ParseDate(request.AttainedOn) ?? today : null;
            row.SuccessStory = request.Status == CareGoal.Attained ? row.SuccessStory : null;
        }
        else if (request.AttainedOn is not null)
        {
            row.AttainedOn = CareGoalChecks.ParseDate(request.AttainedOn);
        }

        row.SuccessStory = request.SuccessStory?.Trim() ?? row.SuccessStory;
        row.UpdatedAt = time.GetUtcNow();
        row.UpdatedBy = request.By;
    }

    private static int GoalNumber(string id) =>
        id.StartsWith("g-", StringComparison.Ordinal) && int.TryParse(id.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static CareGoal ToGoal(CareGoalRow row) => new()
    {
        Id = row.GoalId,
        PatientId = row.PatientId,
        Goal = row.Goal,
        Barriers = StoreJson.Read<List<string>>(row.Barriers),
        Confidence = row.Confidence,
        FollowUpPlan = row.FollowUpPlan,
        Status = row.Status,
        SetOn = row.SetOn,
        SetBy = row.SetBy,
        AttainedOn = row.AttainedOn,
        SuccessStory = row.SuccessStory,
        UpdatedAt = row.UpdatedAt,
        UpdatedBy = row.UpdatedBy,
    };
}
