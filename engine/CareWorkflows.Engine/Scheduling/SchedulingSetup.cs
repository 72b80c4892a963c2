using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CareWorkflows.Engine.Scheduling;

/// <summary>Quartz with its persistent AdoJobStore in the engine's own database, running the timer sweeper.</summary>
public static class SchedulingSetup
{
    /// <summary>Registers Quartz (AdoJobStore on SQLite, schema created on start) and the timer sweeper.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="sqliteConnectionString">The engine's SQLite database.</param>
    /// <param name="sweepInterval">How often due timers are swept; how late a timer fires at most, plus the batch time.</param>
    public static IServiceCollection AddCareflowScheduling(this IServiceCollection services, string sqliteConnectionString, TimeSpan sweepInterval)
    {
        var sweeper = new JobKey("timer-sweeper", "careflow");
        services.AddQuartz("careflow", quartz =>
        {
            quartz.UsePersistentStore(store =>
            {
                store.UseSqlite(sqliteConnectionString);
                store.ProvisionSchema();
                // A sweep missed while the process was down is not replayed one by one: the next sweep takes
                // every timer that fell due meanwhile, and each timer row fires once.
                store.ConfigureStore(options => options.MisfireThreshold = TimeSpan.FromSeconds(5));
            });
            quartz.AddJob<TimerSweepJob>(job => job.WithIdentity(sweeper).StoreDurably().RequestRecovery());
            quartz.AddTrigger(trigger => trigger
                .ForJob(sweeper)
                .WithIdentity("timer-sweeper-trigger", "careflow")
                .StartNow()
                .WithSimpleSchedule(schedule => schedule
                    .WithInterval(sweepInterval)
                    .RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
