using CareWorkflows.Engine.Contacts;
using CareWorkflows.Engine.GroupVisits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CareWorkflows.Engine.Reminders;

/// <summary>Registers the reminder ledger, the channels, the contact book, group visits and the delivery worker.</summary>
public static class ReminderSetup
{
    /// <summary>Adds delivery with the given settings (bound from the "Reminders" configuration section by the host).</summary>
    public static IServiceCollection AddCareflowReminders(this IServiceCollection services, ReminderOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ReminderLedger>();
        services.TryAddSingleton<ContactBook>();
        services.AddSingleton<GroupVisitStore>();
        services.AddSingleton(_ => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) });
        services.AddSingleton<IReminderChannel>(provider => new SmsChannel(options, provider.GetRequiredService<HttpClient>()));
        services.AddSingleton<IReminderChannel>(provider => new EmailChannel(options, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IReminderChannel>(provider => new PortalChannel(options, provider.GetRequiredService<HttpClient>()));
        services.AddSingleton<DeliveryWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<DeliveryWorker>());
        return services;
    }
}
