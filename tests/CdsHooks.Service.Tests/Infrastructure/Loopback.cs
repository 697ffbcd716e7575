using System.Net;
using System.Net.Sockets;

namespace CdsHooks.Service.Tests.Infrastructure;

public static class Loopback
{
    /// <summary>A TCP port free on 127.0.0.1 now (the OS picks it; a server started right after takes it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
