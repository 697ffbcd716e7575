using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CdsHooks.Service.Tests.Prefetch;

/// <summary>
/// The one FHIR-server fault WireMock.Net cannot produce, from a raw socket on 127.0.0.1: a connection reset (TCP RST)
/// before any answer, the network error the retry must see. WireMock answers every request it accepts; its faults
/// (FaultType) are an empty or a broken body after a status line, which the client reads as an answer.
/// </summary>
public sealed class RawSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    private RawSocketServer()
    {
        _listener.Start();
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/fhir/");
        _accepting = AcceptAsync();
    }

    public Uri BaseUrl { get; }

    /// <summary>The route (e.g. "Condition") of each request received.</summary>
    public ConcurrentQueue<string> Routes { get; } = new();

    /// <summary>Reads each request, then resets the connection (TCP RST) without answering.</summary>
    public static RawSocketServer Resetting() => new();

    public int Count(string route) => Routes.Count(r => r == route);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stopping.Token);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                var buffer = new byte[16 * 1024];
                var received = 0;
                while (received < buffer.Length && !Encoding.ASCII.GetString(buffer, 0, received).Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await socket.ReceiveAsync(buffer.AsMemory(received), _stopping.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    received += n;
                }

                var path = Encoding.ASCII.GetString(buffer, 0, received).Split(' ', 3)[1]; // "GET /fhir/Condition?... HTTP/1.1"
                Routes.Enqueue(path.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault() ?? string.Empty);
                socket.LingerState = new LingerOption(true, 0); // close with RST, not FIN
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
            }
        }
    }
}
