using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace CareWorkflows.Engine.Scheduling;

/// <summary>Quartz with its persistent AdoJobStore in the engine's own database, running the timer sweeper.</summary>
public static class SchedulingSetup
{
    /// <summary>How often each node tells the others it is alive (Quartz cluster check-in) on PostgreSQL.</summary>
    public static readonly TimeSpan ClusterCheckinInterval = TimeSpan.FromSeconds(5);

    /// <summary>How late past its check-in a node may be (clock skew and pauses included) before the others take over its Quartz work.</summary>
    public static readonly TimeSpan ClusterCheckinMisfireThreshold = TimeSpan.FromSeconds(7.5);

    /// <summary>Registers Quartz (AdoJobStore on SQLite, schema created on start) and the timer sweeper.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="sqliteConnectionString">The engine's SQLite database.</param>
    /// <param name="sweepInterval">How often due timers are swept; how late a timer fires at most, plus the batch time.</param>
    public static IServiceCollection AddCareflowScheduling(this IServiceCollection services, string sqliteConnectionString, TimeSpan sweepInterval) =>
        services.AddScheduling(store => store.UseSqlite(sqliteConnectionString), sweepInterval);

    /// <summary>
    /// Registers Quartz clustered on PostgreSQL (AdoJobStore in the engine's database, instance id AUTO) and the timer
    /// sweeper. Every node registers the same: the sweeper runs on one node at a time, and when a node stops checking
    /// in, another recovers its sweep.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="postgresConnectionString">The engine's PostgreSQL database, as given to <c>AddCareflowPostgres</c>.</param>
    /// <param name="sweepInterval">How often due timers are swept.</param>
    public static IServiceCollection AddCareflowPostgresScheduling(this IServiceCollection services, string postgresConnectionString, TimeSpan sweepInterval)
    {
        var connection = Persistence.PersistenceSetup.PostgresConnectionString(postgresConnectionString);
        return services.AddScheduling(
            store =>
            {
                store.UsePostgres(Npgsql.NpgsqlFactory.Instance, connection);
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = ClusterCheckinInterval;
                    cluster.CheckinMisfireThreshold = ClusterCheckinMisfireThreshold;
                });
            },
            sweepInterval,
            // instanceId AUTO: every node gets its own id (host name and start time), whatever its settings say.
            quartz => quartz.ConfigureScheduler(scheduler => scheduler.GenerateInstanceId = true));
    }

    private static IServiceCollection AddScheduling(this IServiceCollection services, Action<IPersistentStoreBuilder> useDatabase, TimeSpan sweepInterval, Action<IQuartzBuilder>? configure = null)
    {
        var sweeper = new JobKey("timer-sweeper", "careflow");
        services.AddQuartz("careflow", quartz =>
        {
            configure?.Invoke(quartz);
            quartz.UsePersistentStore(store =>
            {
                useDatabase(store);
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
