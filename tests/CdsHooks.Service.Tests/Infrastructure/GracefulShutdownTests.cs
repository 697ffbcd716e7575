using System.Net;
using System.Text.Json.Nodes;
using CdsHooks.Service.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>The drain's settings in-process; the real SIGTERM is in <see cref="ServiceProcessTests"/>.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public void ShutdownTimeout_DrainConfigured_AboveTheDrainByTheInFlightGrace()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["CdsService:ShutdownDrainSeconds"] = "7" });

        var timeout = factory.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;

        Assert.Equal(TimeSpan.FromSeconds(7) + GracefulShutdown.InFlightGrace, timeout);
    }

    [Fact]
    public async Task HealthReady_Stopping_503StoppingAndCallsStillAnswered()
    {
        await using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        var shutdown = factory.Services.GetServices<IHostedService>().OfType<IHostedLifecycleService>().Single(s => s is GracefulShutdown);

        await shutdown.StoppingAsync(CancellationToken.None); // what the host runs first on SIGTERM (drain 0 here)
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var answer = await Prefetch.HookCalls.PostAsync(client, Prefetch.HookCalls.Fixture("r01-tdm1-letrozole-rxnorm-ingredient-sign"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("stopping", (string?)JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["status"]);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        factory.Services.GetRequiredService<Readiness>().MarkReady(1); // a warm-up ending now must not make it ready again
        Assert.Equal("stopping", factory.Services.GetRequiredService<Readiness>().Report.Status);
    }
}
