namespace CdsHooks.Replay;

internal sealed record ReplayOptions(Uri BaseUrl, string FixturesFolder, string? Filter, string? Token, TimeSpan Timeout)
{
    private const string Usage =
        "Usage: dotnet run --project tests/CdsHooks.Replay -- BASE_URL [--fixtures DIR] [--filter PREFIX] [--token JWT] [--timeout SECONDS]\n" +
        "  BASE_URL   the service root, e.g. http://127.0.0.1:5080 (POST BASE_URL/cds-services/{id})\n" +
        "  --fixtures the scenario folder (default: fhir-fixtures/ of this repository)\n" +
        "  --filter   only scenarios whose folder name starts with PREFIX (e.g. r, b1)\n" +
        "  --token    a bearer token for deployments with authentication on (or CDS_REPLAY_TOKEN)\n" +
        "  --timeout  seconds per request (default 30)";

    public static bool TryParse(string[] args, out ReplayOptions options, out string usage)
    {
        options = null!;
        usage = Usage;
        Uri? baseUrl = null;
        string? fixtures = null, filter = null, token = Environment.GetEnvironmentVariable("CDS_REPLAY_TOKEN");
        var timeout = 30;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--fixtures" when value is not null: fixtures = value; i++; break;
                case "--filter" when value is not null: filter = value; i++; break;
                case "--token" when value is not null: token = value; i++; break;
                case "--timeout" when int.TryParse(value, out timeout) && timeout > 0: i++; break;
                case var url when baseUrl is null && Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https":
                    baseUrl = new Uri(u.ToString().TrimEnd('/') + "/");
                    break;
                default:
                    usage = $"Unexpected argument '{args[i]}'.\n{Usage}";
                    return false;
            }
        }

        fixtures ??= DefaultFixtures();
        if (baseUrl is null || fixtures is null || !Directory.Exists(fixtures))
        {
            usage = baseUrl is null ? Usage : $"Fixture folder not found: {fixtures ?? "(no fhir-fixtures above the current directory)"}\n{Usage}";
            return false;
        }

        options = new ReplayOptions(baseUrl, fixtures, filter, token, TimeSpan.FromSeconds(timeout));
        return true;
    }

    /// <summary>fhir-fixtures/ beside CdsHooks.sln, searched from the current directory and from the binaries.</summary>
    private static string? DefaultFixtures()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CdsHooks.sln")) && Directory.Exists(Path.Combine(dir.FullName, "fhir-fixtures")))
                {
                    return Path.Combine(dir.FullName, "fhir-fixtures");
                }
            }
        }

        return null;
    }
}
