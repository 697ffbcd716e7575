using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>
/// The real service in-process: real pipeline, real knowledge folder, a real SQLite file in a temp
/// folder, and a clock pinned to <see cref="Now"/> so fixture dates mean the same thing every run.
/// </summary>
public sealed class CdsServiceFactory : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;
    private readonly Action<IServiceCollection>? _services;

    public CdsServiceFactory(IDictionary<string, string?>? settings = null, string environment = "Development", Action<IServiceCollection>? services = null)
    {
        DatabasePath = Path.Combine(Directory.CreateTempSubdirectory("cds-feedback-").FullName, "feedback.db");
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["CdsService:FeedbackDatabase"] = DatabasePath,
            ["CdsService:KnowledgePath"] = Path.Combine(Repo.Root, "cds-cards"),
            ["CdsService:ShutdownDrainSeconds"] = "0", // no load balancer to wait for: disposing a factory stops at once
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _environment = environment;
        _services = services;
    }

    public string DatabasePath { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(new FixedTime(Now));
            _services?.Invoke(services);
        });
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
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
