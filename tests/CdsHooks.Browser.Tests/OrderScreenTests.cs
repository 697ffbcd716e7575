using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CdsHooks.Browser.Tests;

/// <summary>
/// The demo order screen and the override report in headless Chromium against the real service on 127.0.0.1:
/// the page sends real order-select and feedback calls, so these tests go through the whole product.
/// </summary>
public sealed partial class OrderScreenTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string TdmOneLetrozolePatient = "Patient A: new bone-only metastases";

    [Fact]
    public async Task OrderScreen_TdmOneThenLetrozole_WarningCardWithThreeSuggestions()
    {
        await using var service = new LoopbackService();
        await using var watch = await PageWatch.OpenAsync(browser.Browser, service.BaseUrl);

        var card = await OrderTdmOneAndLetrozoleAsync(watch.Page);

        await Expect(card.Locator(".indicator-name")).ToHaveTextAsync("Warning");
        var suggestions = card.GetByRole(AriaRole.Group, new() { Name = "Suggestions" }).GetByRole(AriaRole.Button);
        await Expect(suggestions).ToHaveCountAsync(3);
        await Expect(card.GetByRole(AriaRole.Button, new() { NameRegex = RecommendedLabel() })).ToHaveCountAsync(1);
        await Expect(card.Locator(".detail")).ToContainTextAsync("EMILIA"); // the markdown detail, rendered
        await Expect(card.Locator(".source a")).ToHaveAttributeAsync("href", HttpUrl());
        await watch.AssertLabelledAsync();
        await watch.Page.SetViewportSizeAsync(1366, 1280); // tall enough for the whole card in the picture
        await watch.ScreenshotAsync("order-screen-warning-card");
        watch.AssertClean();
    }

    [Fact]
    public async Task OrderScreen_TakeRecommendedSuggestion_DraftsBecomeTrastuzumabPertuzumabLetrozoleWithoutCard()
    {
        await using var service = new LoopbackService();
        await using var watch = await PageWatch.OpenAsync(browser.Browser, service.BaseUrl);
        var card = await OrderTdmOneAndLetrozoleAsync(watch.Page);

        await card.GetByRole(AriaRole.Button, new() { NameRegex = RecommendedLabel() }).FocusAsync();
        await watch.Page.Keyboard.PressAsync("Enter"); // the keyboard alone can take a suggestion

        var drugs = watch.Page.Locator("#drafts li .drug");
        await Expect(drugs).ToHaveCountAsync(3);
        var names = string.Join(" | ", await drugs.AllTextContentsAsync()).ToLowerInvariant();
        Assert.Contains("trastuzumab", names, StringComparison.Ordinal);
        Assert.Contains("pertuzumab", names, StringComparison.Ordinal);
        Assert.Contains("letrozole", names, StringComparison.Ordinal);
        Assert.DoesNotContain("emtansine", names, StringComparison.Ordinal);
        Assert.DoesNotContain("kadcyla", names, StringComparison.Ordinal);
        await Expect(watch.Page.Locator("#status")).ToContainTextAsync("order-select: 0 card(s)");
        await Expect(watch.Page.Locator("#cards article")).ToHaveCountAsync(0);
        await Expect(watch.Page.Locator("#cards")).ToContainTextAsync("No cards for these orders.");

        // The exchange panel shows the JSON of the acceptance feedback the page sent.
        await watch.Page.GetByText("Request and response JSON").ClickAsync();
        await Expect(watch.Page.Locator("#exchanges summary", new() { HasTextString = "/feedback → 200" })).ToHaveCountAsync(1);
        await watch.ScreenshotAsync("order-screen-suggestion-taken");
        watch.AssertClean();
    }

    [Fact]
    public async Task OrderScreen_DismissWithReason_ReportCountsOneOverrideWithThatReason()
    {
        await using var service = new LoopbackService();
        await using var watch = await PageWatch.OpenAsync(browser.Browser, service.BaseUrl);
        var card = await OrderTdmOneAndLetrozoleAsync(watch.Page);
        var reasonBox = card.GetByLabel("Override reason");
        var reason = (await reasonBox.Locator("option").AllTextContentsAsync())[1]; // the first of the card's reasons
        await reasonBox.SelectOptionAsync(new SelectOptionValue { Label = reason });
        await card.GetByLabel("Comment").FillAsync("discussed with the patient");

        await card.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();
        await Expect(watch.Page.Locator("#status")).ToContainTextAsync("override recorded");

        await WaitUntilRecordedAsync(watch.Page, "tdm1-with-endocrine");
        await watch.Page.GotoAsync("/analytics");
        var rule = watch.Page.Locator("section.rule[data-rule='tdm1-with-endocrine']");
        await Expect(rule.Locator(".overridden")).ToHaveTextAsync("1");
        await Expect(rule.Locator(".shown")).ToHaveTextAsync("1");
        await Expect(rule.Locator(".rate")).ToHaveTextAsync("100 %");
        var row = rule.Locator("tr.reason");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("td").First).ToHaveTextAsync(reason);
        await Expect(row.Locator(".count")).ToHaveTextAsync("1");
        await Expect(row.Locator(".comments")).ToContainTextAsync("discussed with the patient");
        await Expect(rule.Locator("svg[role=img]")).ToHaveCountAsync(1);
        await watch.ScreenshotAsync("override-report");
        watch.AssertClean();
    }

    /// <summary>Picks the T-DM1 + letrozole patient, orders T-DM1 by its brand, then letrozole; returns the card
    /// that names letrozole (the order-select for letrozole replaces the cards of the T-DM1 call).</summary>
    private static async Task<ILocator> OrderTdmOneAndLetrozoleAsync(IPage page)
    {
        await page.GotoAsync("/demo");
        await page.GetByLabel("Demo patient").SelectOptionAsync(new SelectOptionValue { Label = TdmOneLetrozolePatient });
        await Expect(page.Locator("#chart")).ToContainTextAsync("bone");

        await OrderAsync(page, "Kadcyla", "3.6", "mg/kg");
        await Expect(page.Locator("#status")).ToContainTextAsync("order-select:");
        await OrderAsync(page, "letrozole", "2.5", "mg", keyboard: true);
        await Expect(page.Locator("#drafts li .drug")).ToHaveCountAsync(2);

        var card = page.Locator("#cards article.card", new() { Has = page.GetByRole(AriaRole.Heading, new() { NameRegex = LetrozoleSummary() }) });
        await Expect(card).ToHaveCountAsync(1);
        return card;
    }

    /// <summary>Orders a drug with the mouse, or with the keyboard only (type, Tab, Enter).</summary>
    private static async Task OrderAsync(IPage page, string drug, string dose, string unit, bool keyboard = false)
    {
        var before = await page.Locator("#exchanges .exchange").CountAsync();
        if (keyboard)
        {
            await page.GetByLabel("Drug (name or brand)").FocusAsync();
            await page.Keyboard.TypeAsync(drug);
            await page.Keyboard.PressAsync("Escape"); // closes the drug list's suggestions
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByLabel("Dose", new() { Exact = true })).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync(dose);
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByLabel("Unit")).ToBeFocusedAsync();
            await page.GetByLabel("Unit").SelectOptionAsync(unit);
            await page.Keyboard.PressAsync("Tab");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add to draft orders" })).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("#exchanges .exchange")).ToHaveCountAsync(before + 1);
            return;
        }

        await page.GetByLabel("Drug (name or brand)").FillAsync(drug);
        await page.GetByLabel("Dose", new() { Exact = true }).FillAsync(dose);
        await page.GetByLabel("Unit").SelectOptionAsync(unit);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to draft orders" }).ClickAsync();
        await Expect(page.Locator("#exchanges .exchange")).ToHaveCountAsync(before + 1); // the order-select call answered
    }

    /// <summary>Cards shown are written in the background (Analytics:FlushMilliseconds); feedback before its 200.
    /// Waits (bounded) for the card's record so that the report is read after it, as a person would.</summary>
    private static async Task WaitUntilRecordedAsync(IPage page, string rule)
    {
        for (var i = 0; i < 50; i++)
        {
            var report = await page.APIRequest.GetAsync("/analytics.json");
            var json = await report.JsonAsync();
            if (json?.GetProperty("rules").EnumerateArray().Any(r => r.GetProperty("ruleId").GetString() == rule) == true)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no card of {rule} recorded within 5 s");
    }

    [GeneratedRegex("^Recommended: ")]
    private static partial Regex RecommendedLabel();

    [GeneratedRegex("emtansine.*letrozole", RegexOptions.IgnoreCase)]
    private static partial Regex LetrozoleSummary();

    [GeneratedRegex("^https?://")]
    private static partial Regex HttpUrl();
}
