using CdsHooks.Replay;

// dotnet run --project tests/CdsHooks.Replay -- http://127.0.0.1:5080 [--fixtures DIR] [--filter PREFIX] [--token JWT]
return await ReplayCommand.RunAsync(args, Console.Out);
