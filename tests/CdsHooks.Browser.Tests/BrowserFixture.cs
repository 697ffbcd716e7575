using Microsoft.Playwright;

namespace CdsHooks.Browser.Tests;

/// <summary>
/// One headless Chromium for the test class: Debian's package, since no browser can be downloaded here
/// (shared/ENVIRONMENT.md). When it is missing or cannot start, every test fails with the reason: a browser
/// test that skips itself would let CI report green without having looked at the page.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} not found: install Debian's chromium (apt-get install -y chromium); .ci/run does this in CI.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
