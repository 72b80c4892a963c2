using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Reminders;

namespace CareWorkflows.Tests.Reminders;

/// <summary>The shipped reminder texts: every one exists in English and Spanish and reads well with sample data.</summary>
public class TemplateSetTests
{
    private static readonly Lazy<DefinitionSet> Shipped = new(() => DefinitionLoader.LoadOrThrow(RepositoryPaths.Workflows, RepositoryPaths.Rules));

    public static TheoryData<string, string> Templates()
    {
        var data = new TheoryData<string, string>();
        foreach (var parts in Directory.EnumerateFiles(Path.Join(RepositoryPaths.Workflows, "templates"), "*.liquid").Order(StringComparer.Ordinal)
            .Select(f => Path.GetFileNameWithoutExtension(f).Split('.')))
        {
            data.Add(parts[0], parts[1]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Render_ShippedTemplate_GreetsThePatientAndNamesThePractice(string name, string language)
    {
        var practice = Shipped.Value.Practice("demo");

        var text = Shipped.Value.Templates.Render(name, language, TemplateModel.Sample(practice));

        Assert.Contains("Maria", text, StringComparison.Ordinal);
        Assert.Contains(practice.Name, text, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AppointmentReminder_ShowsTimeInThePatientsZoneAndLanguage()
    {
        var model = TemplateModel.Sample(Shipped.Value.Practice("demo")) with
        {
            AppointmentStart = new DateTimeOffset(2026, 12, 15, 15, 30, 0, TimeSpan.Zero),
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York"),
        };

        Assert.Contains("Tuesday December 15 at 10:30 AM", Shipped.Value.Templates.Render("appointment-reminder", "en", model), StringComparison.Ordinal);
        Assert.Contains("15/12/2026 a las 10:30", Shipped.Value.Templates.Render("appointment-reminder", "es", model), StringComparison.Ordinal);
    }

    [Fact]
    public void ShowsSession_GroupVisitReminder_TrueOnlyForTemplatesThatShowTheSession()
    {
        Assert.True(Shipped.Value.Templates.ShowsSession("group-visit-reminder", "en"));
        Assert.False(Shipped.Value.Templates.ShowsSession("appointment-reminder", "en"));
    }
}
