using CareWorkflows.Engine.Records.CarePlans;
using CareWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>A patient's care plan: goals with barriers, confidence 1-10, follow-up plan, status, attainment and success story.</summary>
internal static class CarePlanApi
{
    public static RouteGroupBuilder MapCarePlanApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/patients/{patientId}/care-plan", GetAsync).WithName("GetCarePlan")
            .WithSummary("The patient's care plan: every goal, oldest first.")
            .RequirePermission(Permission.PatientsRead);
        practice.MapPost("/patients/{patientId}/care-plan/goals", AddAsync).WithName("AddCareGoal")
            .WithSummary("Set a goal: goal, barriers, confidence (1-10), followUpPlan, setOn (YYYY-MM-DD, default today), by.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapPut("/patients/{patientId}/care-plan/goals/{goalId}", UpdateAsync).WithName("UpdateCareGoal")
            .WithSummary("Revise a goal: any of goal, barriers, confidence, followUpPlan, status (active|attained|not-attained|discontinued), attainedOn, successStory (attained goals only); by.")
            .RequirePermission(Permission.PatientsWrite);
        return practice;
    }

    private static async Task<Ok<CarePlan>> GetAsync(string practiceId, string patientId, CarePlanStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(new CarePlan(patientId, await store.GoalsAsync(practiceId, patientId, cancellationToken)));

    private static async Task<Results<Created<CareGoal>, ValidationProblem>> AddAsync(
        string practiceId, string patientId, CareGoalRequest request, CarePlanStore store, DefinitionHistory definitions, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = CareGoalChecks.Check(request, null);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The goal is not valid; nothing was stored.");
        }

        var goal = await store.AddAsync(practiceId, patientId, request, Today(practiceId, definitions, time), cancellationToken);
        return TypedResults.Created($"/api/practices/{practiceId}/patients/{patientId}/care-plan/goals/{goal.Id}", goal);
    }

    private static async Task<Results<Ok<CareGoal>, NotFound, ValidationProblem>> UpdateAsync(
        string practiceId, string patientId, string goalId, CareGoalRequest request, CarePlanStore store, DefinitionHistory definitions, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await store.GoalAsync(practiceId, patientId, goalId, cancellationToken) is not { } current)
        {
            return TypedResults.NotFound();
        }

        var errors = CareGoalChecks.Check(request, current);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The revision is not valid; the goal was not changed.");
        }

        var updated = await store.UpdateAsync(practiceId, patientId, goalId, request, Today(practiceId, definitions, time), cancellationToken);
        return updated is null ? TypedResults.NotFound() : TypedResults.Ok(updated);
    }

    private static DateOnly Today(string practiceId, DefinitionHistory definitions, TimeProvider time) =>
        definitions.Current.Practice(practiceId).Calendar.LocalDate(time.GetUtcNow());

    internal sealed record CarePlan(string PatientId, IReadOnlyList<CareGoal> Goals);
}
