using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>
/// A real, throwaway PostgreSQL 15 server for the tests (ENVIRONMENT.md: its binaries are on every machine): initdb in a
/// temp folder, then <c>postgres</c> on 127.0.0.1 and a free port, its socket in that folder. initdb and postgres refuse
/// to run as root, so as root (CI) they run as the postgres user through runuser, and the folder is given to that user.
/// Stopped by the PID in postmaster.pid (SIGINT: fast shutdown), then the folder is deleted. If the server cannot be
/// started, every test that uses it fails with the reason and the server's log: they never skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly StringBuilder _log = new();
    private Process? _process;
    private int _databases;

    public string Folder { get; } = Directory.CreateTempSubdirectory("cds-pg-").FullName;

    public int Port { get; private set; }

    private string Data => Path.Combine(Folder, "data");

    /// <summary>A connection string to <paramref name="database"/> as the superuser (trust authentication).</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=30";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "postgres")))
        {
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({Bin}/postgres is missing): apt-get install postgresql-15");
        }

        if (IsRoot)
        {
            Run("chown", "postgres", Folder);
        }

        var (initdb, arguments) = AsPostgres("initdb", "-D", Data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
        var (code, output) = Run(initdb, arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"initdb failed with exit code {code}:\n{output}");
        }

        Port = Loopback.FreePort();
        await StartAsync();
    }

    /// <summary>Starts the server (again) on the same folder and port, and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        // fsync off: the tests kill service processes, never this server, so what fsync protects is not under test here,
        // and on a shared 2-core machine it costs seconds. Everything else is the default configuration.
        var (file, arguments) = AsPostgres("postgres", "-D", Data, "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-k", Folder, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200");
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("postgres could not be started");
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString());
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !_process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (NpgsqlException ex)
            {
                throw new InvalidOperationException(
                    $"PostgreSQL did not accept connections on 127.0.0.1:{Port} ({(_process.HasExited ? $"exited with {_process.ExitCode}" : "timed out")}): {ex.Message}\n{Log}", ex);
            }
        }
    }

    /// <summary>Stops the server by the PID in postmaster.pid (fast shutdown), waiting until it has exited.</summary>
    public async Task StopAsync()
    {
        var pidFile = Path.Combine(Data, "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllLinesAsync(pidFile))[0], CultureInfo.InvariantCulture, out var pid))
        {
            var id = pid.ToString(CultureInfo.InvariantCulture);
            Run("kill", "-INT", id);
            for (var i = 0; i < 300 && Directory.Exists("/proc/" + id); i++)
            {
                await Task.Delay(50);
            }

            if (Directory.Exists("/proc/" + id))
            {
                Run("kill", "-KILL", id); // still there after 15 s
            }
        }

        if (_process is not null)
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            _process.Dispose();
            _process = null;
        }

        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A new, empty database (isolation per test class or per test); returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Interlocked.Increment(ref _databases)}";
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(Folder, recursive: true);
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>A PostgreSQL program, run as the postgres user when this is root (they refuse to run as root).</summary>
    private static (string File, string[] Arguments) AsPostgres(string program, params string[] arguments) => IsRoot
        ? ("runuser", ["-u", "postgres", "--", Path.Combine(Bin, program), .. arguments])
        : (Path.Combine(Bin, program), arguments);

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static (int Code, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} could not be started");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}

/// <summary>The test classes that share one <see cref="PostgresServer"/>; each uses its own databases.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
