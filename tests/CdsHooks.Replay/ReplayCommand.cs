using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace CdsHooks.Replay;

/// <summary>
/// Posts every fhir-fixtures/&lt;scenario&gt;/request.json to a running service and checks the answer
/// against expected.json the way FixtureTests does. Prints PASS or FAIL with the reason per scenario
/// and a last line "N passed, N failed"; the exit code is 1 when any scenario failed, 2 on bad usage.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>The clock the fixtures are written for (fhir-fixtures/README.md).</summary>
    public static readonly DateTimeOffset FixtureClock = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (!ReplayOptions.TryParse(args, out var options, out var usage))
        {
            await output.WriteLineAsync(usage);
            return 2;
        }

        var scenarios = Scenario.LoadAll(options.FixturesFolder, options.Filter);
        if (scenarios.Count == 0)
        {
            await output.WriteLineAsync($"No scenario in {options.FixturesFolder}");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = options.BaseUrl, Timeout = options.Timeout };
        if (options.Token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        }

        var clockNoted = false;
        int passed = 0, failed = 0;
        foreach (var scenario in scenarios)
        {
            var (failure, serverDate) = await PostAndCheckAsync(http, scenario);
            if (!clockNoted && serverDate is { } date)
            {
                clockNoted = true;
                await output.WriteLineAsync(ClockNote(date));
            }

            var mark = scenario.UsesDates ? " (dates)" : string.Empty;
            if (failure is null)
            {
                passed++;
                await output.WriteLineAsync($"PASS {scenario.Name}{mark}");
            }
            else
            {
                failed++;
                await output.WriteLineAsync($"FAIL {scenario.Name}{mark}: {failure}");
            }
        }

        await output.WriteLineAsync($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<(string? Failure, DateTimeOffset? ServerDate)> PostAndCheckAsync(HttpClient http, Scenario scenario)
    {
        try
        {
            using var content = new ByteArrayContent(scenario.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync(new Uri($"cds-services/{scenario.Service}", UriKind.Relative), content);
            var text = await response.Content.ReadAsStringAsync();
            return (Expectations.Check(scenario.Expected, (int)response.StatusCode, text), response.Headers.Date);
        }
        catch (HttpRequestException ex)
        {
            return ($"no answer: {ex.Message}", null);
        }
        catch (TaskCanceledException)
        {
            return ("no answer within the timeout", null);
        }
    }

    /// <summary>Date-relative rules (recent administrations, recent labs) judge fixture dates against the
    /// server's clock; a deployment cannot be pinned to the fixtures' day, so say how far apart they are.</summary>
    private static string ClockNote(DateTimeOffset serverDate)
    {
        var days = (serverDate - FixtureClock).TotalDays;
        return Math.Abs(days) < 1
            ? $"Server clock {serverDate:u} matches the fixtures' day ({FixtureClock:u})."
            : $"Server clock {serverDate:u} is {days:F0} day(s) from the fixtures' clock ({FixtureClock:u}): " +
              "scenarios marked (dates) hold dates that date-relative rules compare with the clock, and may fail for that reason alone.";
    }
}
