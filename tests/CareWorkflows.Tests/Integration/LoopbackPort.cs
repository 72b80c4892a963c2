using System.Net;
using System.Net.Sockets;

namespace CareWorkflows.Tests.Integration;

/// <summary>Free TCP ports on the loopback interface, for the servers the tests start.</summary>
internal static class LoopbackPort
{
    /// <summary>A port nothing listens on right now.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
