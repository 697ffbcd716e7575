using CdsHooks.Service.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdsHooks.Service.Tests.Prefetch;

/// <summary>Tests that assert a latency budget run alone, not beside other test classes on 2 shared cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing-sensitive";
}

/// <summary>
/// The service (Development, so any FHIR server and open servers are allowed unless settings say
/// otherwise) with its logs captured, warmed up so that the first timed call does not pay for JIT.
/// Each test starts its own stub FHIR server: a new port is a new server, with its own circuit breaker.
/// The FHIR deadline is 1 s here, not the default 300 ms: these tests check behaviour, and on a busy
/// shared machine a stalled scheduler must not look like a missing answer. The default budget is
/// measured by <see cref="ServiceWithDefaultBudget"/>.
/// </summary>
public class ServiceWithFhirAccess : IAsyncLifetime, IAsyncDisposable
{
    public const int TimeoutMs = 1000;

    public ServiceWithFhirAccess()
        : this(new Dictionary<string, string?> { ["FhirAccess:TimeoutMs"] = TimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
    {
    }

    internal ServiceWithFhirAccess(IDictionary<string, string?> settings, string environment = "Development")
    {
        Factory = new CdsServiceFactory(settings, environment, services => services.AddSingleton<ILoggerProvider>(Logs));
        Client = Factory.CreateClient();
    }

    public LogCapture Logs { get; } = new();

    public CdsServiceFactory Factory { get; }

    public HttpClient Client { get; }

    /// <summary>Runs each path once (fetch, timeout and cancellation, no server) so that JIT is paid here.</summary>
    public async Task InitializeAsync()
    {
        await using var stub = HttpStub.Start();
        await HookCalls.PostAsync(Client, HookCalls.TdmWithLetrozole(stub.BaseUrl, "warm-up"));
        stub.OnAnyRoute(StubResponse.Hangs);
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(1)); // when TimeoutMs is long, stop waiting
        try
        {
            await Client.PostAsync(new Uri($"/cds-services/{HookCalls.OrderSign}", UriKind.Relative),
                new StringContent(HookCalls.TdmWithLetrozole(stub.BaseUrl, "warm-up").ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
                enough.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await HookCalls.PostAsync(Client, HookCalls.TdmWithLetrozole());
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        Factory.Dispose();
        return Task.CompletedTask;
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}

/// <summary>The service with the shipped FhirAccess defaults (TimeoutMs 300), for latency measurements.</summary>
public sealed class ServiceWithDefaultBudget : ServiceWithFhirAccess
{
    public ServiceWithDefaultBudget()
        : base(new Dictionary<string, string?>())
    {
    }
}
