using System.Net;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Prefetch;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>
/// Start-up and shutdown of the real process (docs/operations.md): invalid knowledge mounted over the knowledge path
/// stops start-up with exit code 1 and a log line naming the file and the problem; SIGTERM makes the instance
/// unready at once, keeps answering during the drain, lets the call in flight finish with its cards and exits 0.
/// Each test starts <c>dotnet CdsHooks.Service.dll</c>, so they run one at a time (the machine has 2 shared cores).
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class ServiceProcessTests : IDisposable
{
    private readonly string _knowledge = Directory.CreateTempSubdirectory("cds-cards-").FullName;

    [Fact]
    public async Task Start_InvalidKnowledgeFolder_ExitsOneNamingTheFileAndNeverListens()
    {
        CopyKnowledge();
        var rule = Path.Combine(_knowledge, "rules", "tdm1-first-line.yaml");
        File.WriteAllText(rule, File.ReadAllText(rule).Replace("primaryEvidence: cleopatra", "primaryEvidence: no-such-trial", StringComparison.Ordinal));

        using var service = ServiceProcess.Start(new Dictionary<string, string> { ["CdsService__KnowledgePath"] = _knowledge });
        var exit = await service.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(exit == 1, $"exit code {exit?.ToString() ?? "none (still running)"}:\n{service.Output}");
        var line = Assert.Single(service.Output.Split('\n'), l => l.Contains("\"EventId\":3,", StringComparison.Ordinal));
        Assert.Contains("\"LogLevel\":\"Critical\"", line, StringComparison.Ordinal);
        Assert.Contains("rules/tdm1-first-line.yaml", line, StringComparison.Ordinal);
        Assert.Contains("no-such-trial", line, StringComparison.Ordinal);
        Assert.Contains(_knowledge, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", service.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", service.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_DuringAHookCall_UnreadyThenDrainsAnswersAndExitsZero()
    {
        await using var fhir = HttpStub.Start();
        fhir.On("Observation", StubResponse.Json(StubResponse.FhirPage(null), delayMs: 4000)); // slower than the drain
        using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["CdsService__ShutdownDrainSeconds"] = "2",
            ["FhirAccess__TimeoutMs"] = "20000",
            ["FhirAccess__AttemptTimeoutMs"] = "20000",
        });
        using var client = new HttpClient { BaseAddress = service.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        await service.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(90));

        var inFlight = HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole(fhir.BaseUrl, "t"));
        await WaitUntilAsync(() => fhir.Count("Observation") > 0, TimeSpan.FromSeconds(30)); // the call waits on the FHIR server
        service.Terminate();

        var readiness = await ReadinessPoll.WaitForAsync(client, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        Assert.Equal("stopping", (string?)readiness["status"]);
        var duringDrain = await HookCalls.PostAsync(client, HookCalls.Fixture("r01-tdm1-letrozole-rxnorm-ingredient-sign")); // prefetched: no read
        Assert.Equal(HttpStatusCode.OK, duringDrain.Status);
        Assert.NotEmpty(duringDrain.Cards);

        var answer = await inFlight;
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains(answer.Cards, c => (string?)c?["extension"]?["regimen-check.rule-id"] == "tdm1-with-endocrine");
        var exit = await service.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit code {exit?.ToString() ?? "none (still running)"}:\n{service.Output}");
        Assert.Contains("\"EventId\":6001", service.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_knowledge, recursive: true);

    private void CopyKnowledge()
    {
        var source = Path.Combine(Repo.Root, "cds-cards");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_knowledge, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
