using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CareWorkflows.Tests.Pages;

/// <summary>
/// The acceptance walk in a real headless Chromium against the real <c>careflow serve --demo</c>: sign in with a key,
/// work the worklist, complete a task, see the patient's timeline change; a workflow's diagram and preview; a
/// report's charts and CSV. Each page's screenshot goes to artifacts/screenshots/.
/// </summary>
public sealed class BrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Worklist_CareTeamCompletesTheDischargeCall_PatientTimelineShowsIt()
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, browser.CareTeamKey);

        await Nav(page, "Worklist").ClickAsync();
        await page.GetByLabel("Team (role)").SelectOptionAsync("care-manager");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show tasks" }).ClickAsync();
        var call = page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Link, new() { Name = "demo-2", Exact = true }) })
            .Filter(new() { HasText = "Interactive contact" });
        await Expect(call).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "worklist");
        await call.GetByRole(AriaRole.Link).First.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Complete the task" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Script" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Form: Post-discharge contact (TCM)" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "task");

        // Without an outcome the form is refused and says which field to fix.
        await page.GetByRole(AriaRole.Button, new() { Name = "Complete task" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert).First).ToContainTextAsync("Record one of this task's outcomes: reached, not-reached.");

        await page.GetByLabel("reached", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Minutes spent").FillAsync("15");
        await page.GetByLabel("Channel").SelectOptionAsync("phone");
        await page.GetByLabel("Obstacles the patient named").FillAsync("transport, cost");
        await page.GetByLabel("Note").FillAsync("Has all new medicines");
        await page.GetByLabel("Your staff id").FillAsync("cm-2");
        // Keyboard only: from the staff id field, Tab reaches the complete button and Enter presses it.
        await page.GetByLabel("Your staff id").FocusAsync();
        await TabToAsync(page, "complete");
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync("**/patients/demo-2?completed=*");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("completed");
        var completed = page.Locator("#timeline tr[data-type='task.completed']");
        await Expect(completed).ToHaveCountAsync(1);
        await Expect(completed).ToContainTextAsync("reached");
        await Expect(page.Locator("section", new() { HasText = "Contacts with the patient" }).Locator("tbody tr").First).ToContainTextAsync("transport, cost");
        await Expect(page.Locator("section", new() { HasText = "Workflows" }).GetByRole(AriaRole.Link, new() { Name = "transition-of-care" }).First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "patient");

        // The pages leave the same audit entries as the API: who, which patient, which page.
        var audit = await browser.Careflow.Client.GetStringAsync(new Uri("api/audit?practice=demo&patient=demo-2", UriKind.Relative));
        Assert.Contains("\"path\":\"/practices/demo/patients/demo-2\"", audit, StringComparison.Ordinal);
        Assert.Contains("browser care manager", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Workflows_OpenTransitionOfCare_ShowsDiagramVersionsAndPreview()
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, browser.CareTeamKey);

        await Nav(page, "Workflows").ClickAsync();
        await Expect(page.GetByText("Every workflow and rule set loaded and compiled.")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "workflows");
        await page.GetByRole(AriaRole.Link, new() { Name = "transition-of-care", Exact = true }).ClickAsync();

        var diagram = page.Locator("#diagram svg.workflow-diagram");
        await Expect(diagram).ToBeVisibleAsync();
        await Expect(diagram.Locator("g.step-task").Filter(new() { HasText = "contact: Interactive contact" })).ToHaveCountAsync(1);
        await Expect(diagram.Locator("g.step-escalate").First).ToBeVisibleAsync();
        await Expect(page.Locator("#versions tbody tr").First).ToContainTextAsync("v1");

        await page.GetByLabel("Scenario").SelectOptionAsync("transition-of-care");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run the preview" }).ClickAsync();
        var preview = page.GetByRole(AriaRole.Table, new() { Name = "Preview timeline" });
        await Expect(preview.Locator("tr.this-workflow[data-type='task.created']").First).ToContainTextAsync("transition-of-care v1");
        await BrowserFixture.ScreenshotAsync(page, "workflow");

        // A tablet held upright: the page still reads, the diagram scrolls inside its frame.
        await page.SetViewportSizeAsync(820, 1180);
        await Expect(diagram).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "workflow-tablet");
    }

    [Fact]
    public async Task Reports_QualityStaff_SeesChartsAndDownloadsCsv_CareTeamIsRefused()
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, browser.QualityStaffKey);

        await Nav(page, "Reports").ClickAsync();
        var charts = page.Locator("svg.bar-chart");
        await Expect(charts).ToHaveCountAsync(4);
        await Expect(page.Locator("#caseload svg.bar-chart rect.bar").First).ToBeVisibleAsync();
        await Expect(page.Locator("#tcm-compliance svg.bar-chart rect.bar")).ToHaveCountAsync(6);
        await Expect(page.Locator("#caseload svg title").First).ToContainTextAsync("Caseload per care manager");
        await BrowserFixture.ScreenshotAsync(page, "reports");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "(caseload.csv)" }).ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("staff,enrolled_patients,open_tasks", csv, StringComparison.Ordinal);
        // members, ccm and tcm list patients: without patients.read the page offers no link, as the API refuses them.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "(tcm.csv)" })).ToHaveCountAsync(0);

        var careTeam = await browser.NewPageAsync();
        await SignInAsync(careTeam, browser.CareTeamKey);
        var refused = await careTeam.GotoAsync("/practices/demo/reports");
        Assert.Equal(403, refused!.Status);
        await Expect(careTeam.GetByRole(AriaRole.Alert)).ToContainTextAsync("does not have the permission reports.read");
    }

    [Fact]
    public async Task SignIn_WrongKeyThenSignOut_SaysWhatToFixAndPagesNeedSignInAgain()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/practices/demo/worklist");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl="));

        await page.GetByLabel("API key").FillAsync("not-a-key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("#key-error")).ToContainTextAsync("keys start with 'cfk_'");
        await BrowserFixture.ScreenshotAsync(page, "sign-in-error");

        await page.GetByLabel("API key").FillAsync(browser.CareTeamKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Worklist — practice demo" })).ToBeVisibleAsync();
        var missing = await page.GotoAsync("/practices/demo/patients/nobody-here");
        Assert.Equal(404, missing!.Status);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Practice demo has no patient 'nobody-here'. Check the patient id");
        await page.GotoAsync("/practices/demo/worklist");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "careflow_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Signed out" })).ToBeVisibleAsync();
        await page.GotoAsync("/practices/demo/worklist");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
    }

    [Fact]
    public async Task Draft_QualityStaffChangesADue_SeesDiffAndImpact_PublishesWithANote_CareTeamIsRefused()
    {
        var page = await browser.NewPageAsync();
        await SignInAsync(page, browser.QualityLeadKey);
        await page.GotoAsync("/workflows/ed-visit-follow-up");
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit a draft: check its impact, then publish" }).ClickAsync();

        var yaml = page.GetByLabel("Workflow YAML");
        await Expect(yaml).ToContainTextAsync("due: 2 business days");
        var text = await yaml.InputValueAsync();
        var at = text.IndexOf("due: 2 business days", StringComparison.Ordinal);
        text = string.Concat(text.AsSpan(0, at), "due: 1 business day", text.AsSpan(at + "due: 2 business days".Length));
        text = text.Replace("\nversion: 1\n", "\nversion: 2\n", StringComparison.Ordinal);
        // A draft that does not validate is shown with the validator's lines at the text area; nothing runs.
        await yaml.FillAsync(text.Replace("due: 1 business day", "due: whenever", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();
        await Expect(page.Locator("#yaml-error")).ToContainTextAsync("does not validate", new() { Timeout = 60_000 });
        await Expect(page.Locator("#yaml-error li").First).ToContainTextAsync("whenever");
        await Expect(page.Locator("#impact")).ToHaveCountAsync(0);

        await page.GetByLabel("Workflow YAML").FillAsync(text);
        await page.GetByLabel("Practice for the impact report").SelectOptionAsync("demo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Check" }).ClickAsync();

        await Expect(page.Locator("#diff ul.diff-changed li").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("step 'contact' due .*changed from 2 business days to 1 business day") })).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        await Expect(page.Locator("#impact table.impact").First).ToBeVisibleAsync();
        await Expect(page.Locator("#impact-tasks-by-role")).ToBeVisibleAsync();
        await Expect(page.Locator("#draft-diagram svg.workflow-diagram")).ToBeVisibleAsync();
        await Expect(page.Locator("#draft-diagram mark.changed-step").Filter(new() { HasText = "contact" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#draft-diagram svg g.step.changed")).ToHaveCountAsync(1);

        // Publishing without a change note is refused at the note, and nothing is written.
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await Expect(page.Locator("#note-error")).ToContainTextAsync("Write a change note", new() { Timeout = 60_000 });
        await BrowserFixture.ScreenshotAsync(page, "draft");

        await page.GetByLabel("Change note").FillAsync("ED follow-up call due within 1 business day");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish" }).ClickAsync();
        await page.WaitForURLAsync("**/workflows/ed-visit-follow-up#versions");
        await Expect(page.Locator("#versions tbody tr").Filter(new() { HasText = "ED follow-up call due within 1 business day" })).ToContainTextAsync("v2");

        var careTeam = await browser.NewPageAsync();
        await SignInAsync(careTeam, browser.CareTeamKey);
        var refused = await careTeam.GotoAsync("/workflows/ed-visit-follow-up/draft");
        Assert.Equal(403, refused!.Status);
    }

    private static async Task SignInAsync(IPage page, string key)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "careflow" })).ToBeVisibleAsync();
    }

    private static ILocator Nav(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    private static async Task TabToAsync(IPage page, string id)
    {
        for (var presses = 0; presses < 10; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.id") == id)
            {
                return;
            }
        }

        Assert.Fail($"Ten presses of Tab did not reach #{id}: it cannot be reached with the keyboard.");
    }
}
