using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// A FHIR server for the warm-up only: listens on 127.0.0.1 on a free port, answers each GET with a canned resource
/// from <c>answer</c> (by path and query, <see cref="WarmUpRequests.Answer"/>), one request per connection, and stops
/// when disposed.
/// </summary>
/// <remarks>A socket of our own rather than a standard part: WireMock.Net (the tests' FHIR server) is a test tool that
/// has no place in the production binaries, and a second Kestrel host would add its own start-up to the one being
/// shortened. The warm-up needs only GETs answered with a body, which is what this does; it is never reachable from
/// outside the machine (127.0.0.1) and lives only while the warm-up runs.</remarks>
internal sealed class LoopbackFhirServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, string> _answer;
    private int _served;

    private LoopbackFhirServer(TcpListener listener, Func<string, string> answer)
    {
        _listener = listener;
        _answer = answer;
        BaseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/fhir/");
        _ = AcceptAsync();
    }

    public Uri BaseUrl { get; }

    /// <summary>Requests answered so far.</summary>
    public int Served => Volatile.Read(ref _served);

    public static LoopbackFhirServer Start(Func<string, string> answer)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new LoopbackFhirServer(listener, answer);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                _ = AnswerAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // stopped
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var buffer = new byte[16 * 1024];
                var length = 0;
                while (length < buffer.Length)
                {
                    var read = await stream.ReadAsync(buffer.AsMemory(length), _stop.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    length += read;
                    if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
                    {
                        break;
                    }
                }

                var head = Encoding.ASCII.GetString(buffer, 0, length);
                var target = head.Split(' ', 3) is [_, var path, ..] ? path : "/";
                var body = Encoding.UTF8.GetBytes(_answer(target));
                var header = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await stream.WriteAsync(header, _stop.Token).ConfigureAwait(false);
                await stream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _served);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // the warm-up's client went away or the server stopped
            }
        }
    }
}
