using System.Diagnostics;
using System.Text;
using CdsHooks.Service.Tests.Infrastructure;

namespace CdsHooks.Service.Tests.Storage;

/// <summary>
/// The service as a real process: <c>dotnet CdsHooks.Service.dll</c> from the service project's build output (the same
/// configuration as this test assembly), in Production, on 127.0.0.1 and a free port, configured by environment
/// variables as a deployment would be. Its console output is kept for the failure message. Disposing kills it (by its
/// own Process object, never by name).
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUrl { get; }

    /// <summary>The public base URL as configured (Authentication:PublicBaseUrl), without a trailing slash.</summary>
    public string PublicBaseUrl => BaseUrl.AbsoluteUri.TrimEnd('/');

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string ServiceDll
    {
        get
        {
            // tests/CdsHooks.Service.Tests/bin/<Configuration>/<tfm>/ → src/CdsHooks.Service/bin/<Configuration>/<tfm>/
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(Repo.Root, "src", "CdsHooks.Service", "bin", tfm.Parent!.Name, tfm.Name, "CdsHooks.Service.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The service's build output is missing: {path} (build the solution first)");
        }
    }

    public static ServiceProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var port = Loopback.FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var dll = ServiceDll;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = baseUrl.AbsoluteUri.TrimEnd('/');
        start.Environment["Authentication__PublicBaseUrl"] = baseUrl.AbsoluteUri.TrimEnd('/');
        start.Environment["Authentication__AllowLoopbackHttp"] = "true";
        start.Environment["CdsService__KnowledgePath"] = Path.Combine(Repo.Root, "cds-cards");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var service = new ServiceProcess(process, baseUrl);
        process.OutputDataReceived += (_, e) => service.Append(e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
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
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
