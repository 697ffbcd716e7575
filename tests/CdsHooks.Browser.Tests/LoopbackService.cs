using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CdsHooks.Browser.Tests;

/// <summary>
/// The real service on real Kestrel, bound to 127.0.0.1 on a free port, in Development (the demo and the report
/// are on), with the real knowledge folder and its own SQLite file, so every test starts with an empty report.
/// </summary>
public sealed class LoopbackService : WebApplicationFactory<Program>
{
    public LoopbackService()
    {
        DatabasePath = Path.Combine(Directory.CreateTempSubdirectory("cds-browser-").FullName, "feedback.db");
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public string DatabasePath { get; }

    /// <summary>e.g. http://127.0.0.1:41234</summary>
    public string BaseUrl { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("CdsService:FeedbackDatabase", DatabasePath);
        builder.UseSetting("CdsService:KnowledgePath", Path.Combine(Repo.Root, "cds-cards"));
    }
}

public static class Repo
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CdsHooks.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("CdsHooks.sln not found above the test folder");
        }
    }
}
