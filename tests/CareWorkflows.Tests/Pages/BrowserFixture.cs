using CareWorkflows.Tests.Integration;
using Microsoft.Playwright;

namespace CareWorkflows.Tests.Pages;

/// <summary>
/// One real <c>careflow serve --demo</c> on the standard workflows and one headless Chromium (Debian's, driven by
/// Playwright, never downloaded) for the page tests of a class. Without Chromium every test fails and says how to
/// install it.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Where the page tests write their screenshots (the README names it).</summary>
    public static string Screenshots => Path.Join(RepositoryPaths.Root, "artifacts", "screenshots");

    private readonly CareflowWorkspace _workspace = CareflowWorkspace.Create();
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private CareflowProcess? _careflow;

    public CareflowProcess Careflow => _careflow ?? throw new InvalidOperationException("careflow has not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started.");

    /// <summary>Keys of the demo practice made with the real <c>careflow keys create</c>.</summary>
    public string CareTeamKey { get; private set; } = "";

    public string QualityStaffKey { get; private set; } = "";

    /// <summary>A PO-level quality-staff key: publishing a PO standard needs one.</summary>
    public string QualityLeadKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {chromium}, and it is not there. Install Debian's package (apt-get install chromium; tests/run-all.sh does it when it runs as root) or set CHROMIUM_PATH to a Chromium executable.");
        }

        // The demo practice runs on the standard workflows, not the integration tests' small ones.
        Directory.Delete(_workspace.Workflows, recursive: true);
        CareflowWorkspace.CopyFolder(RepositoryPaths.Workflows, _workspace.Workflows);
        _careflow = await CareflowProcess.StartAsync(_workspace, 0.5, "--demo");
        CareTeamKey = await CareflowCli.CreateKeyAsync(_workspace.Data, "--role", "care-team", "--practice", "demo", "--name", "browser care manager");
        QualityStaffKey = await CareflowCli.CreateKeyAsync(_workspace.Data, "--role", "quality-staff", "--practice", "demo", "--name", "browser quality lead");
        QualityLeadKey = await CareflowCli.CreateKeyAsync(_workspace.Data, "--role", "quality-staff", "--all-practices", "--name", "browser PO quality lead");

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    /// <summary>A fresh browser context (no cookies) on the careflow process, at a laptop's size unless told.</summary>
    public async Task<IPage> NewPageAsync(int width = 1366, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Careflow.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Join(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_careflow is not null)
        {
            await _careflow.DisposeAsync();
        }

        _workspace.Dispose();
    }
}
