using System.Text;
using System.Text.Json.Nodes;

namespace CdsHooks.Service.Tests.Hooks.Fuzz;

/// <summary>Byte-level mutations and splicing raw values in.</summary>
internal sealed partial class RequestMutator
{
    private static readonly string[] WholeBodies =
    [
        "", " ", "null", "[]", "{}", "0", "\"x\"", "{\"hook\":", "{\"hook\":\"order-sign\"}", "{{}}", "[{}]", "\ufeff{}", "{\"a\":1}garbage",
    ];

    private byte[] MutateBytes(byte[] json)
    {
        switch (rng.Next(6))
        {
            case 0:
            {
                var length = rng.Next(json.Length);
                _applied.Add($"truncated to {length} of {json.Length} bytes");
                return json[..length];
            }

            case 1:
            {
                // Invalid UTF-8, most often inside a string: a lone continuation byte, an overlong
                // encoding, a UTF-16 surrogate encoded in UTF-8, or 0xFF.
                byte[][] bad = [[0xFF], [0x80], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]];
                var insert = bad[rng.Next(bad.Length)];
                var at = NextQuote(json, rng.Next(json.Length)) + 1;
                _applied.Add($"invalid UTF-8 {Convert.ToHexString(insert)} at byte {at}");
                return [.. json[..at], .. insert, .. json[at..]];
            }

            case 2:
            {
                var at = Array.IndexOf(json, (byte)'{', rng.Next(json.Length));
                if (at < 0)
                {
                    return json;
                }

                string[] keys = ["\"resourceType\":\"Patient\",", "\"hook\":\"order-select\",", "\"id\":null,", "\"entry\":[],"];
                var key = Encoding.UTF8.GetBytes(keys[rng.Next(keys.Length)]);
                _applied.Add($"duplicate key {Encoding.UTF8.GetString(key)} at byte {at + 1}");
                return [.. json[..(at + 1)], .. key, .. json[(at + 1)..]];
            }

            case 3:
            {
                var body = WholeBodies[rng.Next(WholeBodies.Length)];
                _applied.Add($"body replaced by '{body}'");
                return Encoding.UTF8.GetBytes(body);
            }

            case 4:
            {
                var flipped = (byte[])json.Clone();
                var flips = 1 + rng.Next(5);
                for (var i = 0; i < flips && flipped.Length > 0; i++)
                {
                    flipped[rng.Next(flipped.Length)] = (byte)rng.Next(256);
                }

                _applied.Add($"{flips} random byte(s)");
                return flipped;
            }

            default:
                _applied.Add("UTF-8 byte order mark");
                return [0xEF, 0xBB, 0xBF, .. json];
        }
    }

    private static int NextQuote(byte[] json, int from)
    {
        var at = Array.IndexOf(json, (byte)'"', from);
        return at < 0 ? from : at;
    }

    private byte[] Splice(byte[] json)
    {
        if (_raw.Count == 0)
        {
            return json;
        }

        var output = new MemoryStream(json.Length + 1024);
        var i = 0;
        while (i < json.Length)
        {
            // Markers are serialised as "@@RAWn@@" (quotes included).
            if (json[i] == '"' && i + 3 < json.Length && json[i + 1] == '@' && json[i + 2] == '@')
            {
                var end = Array.IndexOf(json, (byte)'"', i + 1);
                var marker = Encoding.UTF8.GetString(json, i + 1, end - i - 1);
                if (_raw.TryGetValue(marker, out var raw))
                {
                    output.Write(raw);
                    i = end + 1;
                    continue;
                }
            }

            output.WriteByte(json[i++]);
        }

        return output.ToArray();
    }
}
