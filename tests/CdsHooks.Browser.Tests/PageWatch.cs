using Microsoft.Playwright;

namespace CdsHooks.Browser.Tests;

/// <summary>
/// A browser page that records console errors, page errors and failed requests, and blocks (and records)
/// every request that would leave 127.0.0.1: the demo must work offline in a hospital network.
/// </summary>
public sealed class PageWatch : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private PageWatch(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    public List<string> OffHostRequests { get; } = [];

    public static async Task<PageWatch> OpenAsync(IBrowser browser, string baseUrl)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 }, // a laptop screen
        });
        var page = await context.NewPageAsync();
        var watch = new PageWatch(context, page);
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Host != "127.0.0.1")
            {
                lock (watch.OffHostRequests)
                {
                    watch.OffHostRequests.Add(route.Request.Url);
                }

                await route.AbortAsync();
                return;
            }

            await route.ContinueAsync();
        });
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (watch.ConsoleErrors)
                {
                    watch.ConsoleErrors.Add($"{message.Type}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (watch.ConsoleErrors)
            {
                watch.ConsoleErrors.Add($"page error: {error}");
            }
        };
        return watch;
    }

    public async Task ScreenshotAsync(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>The page stayed clean: no console error or warning, no uncaught exception, nothing off 127.0.0.1.</summary>
    public void AssertClean()
    {
        Assert.Empty(ConsoleErrors);
        Assert.Empty(OffHostRequests);
    }

    /// <summary>Every visible form control has a label (or an aria-label) a screen reader can announce.</summary>
    public async Task AssertLabelledAsync()
    {
        var unlabelled = await Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input, select, textarea, button')]
              .filter(c => c.offsetParent !== null && c.type !== 'hidden')
              .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label') && !(c.tagName === 'BUTTON' && c.textContent.trim()))
              .map(c => c.outerHTML)
            """);
        Assert.Empty(unlabelled);
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
