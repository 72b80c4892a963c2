using CareWorkflows.Engine.Contacts;
using CareWorkflows.Engine.Records.CarePlans;
using CareWorkflows.Engine.Records.CareTeam;
using CareWorkflows.Engine.Records.Interactions;
using CareWorkflows.Engine.Records.Lists;
using CareWorkflows.Engine.Records.Referrals;
using CareWorkflows.Engine.Reports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CareWorkflows.Engine.Records;

/// <summary>Registers the care records' stores and the reports (after <c>AddCareflowSqlite</c>).</summary>
public static class CareRecordsSetup
{
    /// <summary>The stores and reports; billing rules are read from <paramref name="rulesDirectory"/>/codes/billing.yaml.</summary>
    public static IServiceCollection AddCareRecords(this IServiceCollection services, string rulesDirectory)
    {
        services.AddSingleton(new BillingRulesSource(rulesDirectory));
        services.AddSingleton<InteractionQueries>();
        services.AddSingleton<CarePlanStore>();
        services.AddSingleton<CareTeamStore>();
        services.TryAddSingleton<ContactBook>();
        services.AddSingleton<RegistryListStore>();
        services.AddSingleton<ReferralQueries>();
        services.AddSingleton<ReportRunner>();
        return services;
    }
}
