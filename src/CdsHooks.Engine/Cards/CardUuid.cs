namespace CdsHooks.Engine.Cards;

/// <summary>
/// Card and suggestion uuids: RFC 4122 version-4 (random) UUIDs from <see cref="Random.Shared"/>.
/// CDS Hooks 2.0 §Card attributes asks only that a uuid identify the card or suggestion in feedback,
/// so uniqueness is what matters, not secrecy; Guid.NewGuid() reads the OS random source with a
/// syscall on every call (six per request under load).
/// </summary>
internal static class CardUuid
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4 (RFC 4122 §4.4)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10xx
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
