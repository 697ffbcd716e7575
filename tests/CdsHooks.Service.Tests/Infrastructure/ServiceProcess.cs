using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>
/// The service as a process: <c>dotnet CdsHooks.Service.dll</c> from its own build output (content root: its project folder), on a free
/// loopback port, configured by environment variables as a deployment is: Development (authentication off) unless the settings
/// say <c>ASPNETCORE_ENVIRONMENT</c>; its public base URL is its own loopback address (tokens are minted for it), and the
/// feedback database is a throwaway SQLite file unless the settings choose PostgreSQL. Its console output is kept.
/// Disposing kills the process if it is still running (this process only, by its id).
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _data = Directory.CreateTempSubdirectory("cds-process-").FullName;

    private ServiceProcess(IReadOnlyDictionary<string, string> settings)
    {
        Port = Loopback.FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{Port}/");
        Client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var output = ServiceOutput();
        // The muxer running these tests (dotnet test sets DOTNET_HOST_PATH), else the one on the PATH.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet, [Path.Combine(output, "CdsHooks.Service.dll")])
        {
            WorkingDirectory = Path.Combine(Repo.Root, "src", "CdsHooks.Service"), // the content root, as with dotnet run (wwwroot, appsettings)
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = PublicBaseUrl;
        start.Environment["Authentication__PublicBaseUrl"] = PublicBaseUrl;
        start.Environment["Authentication__AllowLoopbackHttp"] = "true";
        start.Environment["CdsService__FeedbackDatabase"] = Path.Combine(_data, "feedback.db");
        start.Environment["CdsService__KnowledgePath"] = Path.Combine(Repo.Root, "cds-cards");
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public Uri BaseUrl { get; }

    /// <summary>The public base URL as configured (Authentication:PublicBaseUrl), without a trailing slash.</summary>
    public string PublicBaseUrl => BaseUrl.AbsoluteUri.TrimEnd('/');

    /// <summary>A client for this instance (base address set).</summary>
    public HttpClient Client { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join("\n", _output);

    /// <param name="settings">Environment variables (configuration as <c>Section__Key</c>).</param>
    public static ServiceProcess Start(IReadOnlyDictionary<string, string>? settings = null) => new(settings ?? new Dictionary<string, string>());

    /// <summary>The exit code once the process has exited, or null if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        _process.WaitForExit(); // the output readers are done too
        return _process.ExitCode;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200 (the warm-up is done).</summary>
    public async Task WaitUntilReadyAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !_process.HasExited)
        {
            try
            {
                using var ready = await client.GetAsync(new Uri(BaseUrl, "health/ready"));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The service did not become ready:\n" + Output);
    }

    /// <summary>SIGTERM, as Kubernetes and <c>docker stop</c> send it (Process.Kill would be SIGKILL).</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>kill -9: no shutdown, no flush, no drain.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The service project's build output of the same configuration as these tests (the tests build it).</summary>
    private static string ServiceOutput()
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tests.Parent!.Name; // bin/<Configuration>/<framework>
        var output = Path.Combine(Repo.Root, "src", "CdsHooks.Service", "bin", configuration, tests.Name);
        return File.Exists(Path.Combine(output, "CdsHooks.Service.dll"))
            ? output
            : throw new InvalidOperationException($"The service is not built at {output}");
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
