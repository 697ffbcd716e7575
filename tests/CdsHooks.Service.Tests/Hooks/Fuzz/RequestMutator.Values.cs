using System.Text;
using System.Text.Json.Nodes;

namespace CdsHooks.Service.Tests.Hooks.Fuzz;

/// <summary>Mutations of values: dates, quantities, huge and strange strings, raw JSON splices.</summary>
internal sealed partial class RequestMutator
{
    private static readonly string[] DateKeys =
    [
        "birthDate", "authoredOn", "effectiveDateTime", "start", "end", "issued", "onsetDateTime",
        "recordedDate", "dateAsserted", "abatementDateTime", "lastUpdated", "occurrenceDateTime",
    ];

    private static readonly string[] BadDates =
    [
        "2026-13-45", "2026-02-30", "2026-11-20T25:61:61Z", "not a date", "", " ", "0000-00-00", "-0001-01-01",
        "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "20261120", "2026-11-20T09:00:00", "2026-11",
        "2026", "1", "2026-11-20T09:00:00.1234567890123Z", "1e5", "2026-W47", "２０２６-１１-２０",
    ];

    private static readonly string[] BadNumbers =
    [
        "1e400", "-1e400", "79228162514264337593543950336", "-79228162514264337593543950336", "0.00000000000000000000000000000001",
        "1E+2", "-0", "123456789012345678901234567890", "\"12\"", "\"abc\"", "null", "true", "[]", "{}", "-1", "0", "3.6e-7",
    ];

    private static readonly string[] BadUnits = ["", "mg/kg/d", "kg", "%", "10*9/L", "g/dL", "µmol/L", "\u0000", "mg\nmg", "{rbc}"];

    private void InvalidDate(List<Slot> slots)
    {
        var dates = slots.Where(s => s.Key is not null && DateKeys.Contains(s.Key) && s.Node is JsonValue).ToList();
        var slot = dates.Count > 0 ? Pick(dates) : Pick(slots);
        var value = BadDates[rng.Next(BadDates.Length)];
        slot.Set(value);
        _applied.Add($"date {slot.Path} = '{value}'");
    }

    private void InvalidQuantity(List<Slot> slots)
    {
        var quantities = slots.Where(s => s.Node is JsonObject o && o.ContainsKey("value")).ToList();
        if (quantities.Count == 0)
        {
            Retype(Pick(slots));
            return;
        }

        var slot = Pick(quantities);
        var quantity = (JsonObject)slot.Node!;
        if (rng.Next(3) == 0)
        {
            var unit = BadUnits[rng.Next(BadUnits.Length)];
            quantity["unit"] = unit;
            quantity["code"] = unit;
            _applied.Add($"unit {slot.Path} = '{unit}'");
        }
        else
        {
            var number = BadNumbers[rng.Next(BadNumbers.Length)];
            quantity["value"] = Raw(number);
            _applied.Add($"quantity {slot.Path}.value = {number}");
        }
    }

    private void HugeString(List<Slot> slots)
    {
        var strings = slots.Where(s => s.Node is JsonValue v && v.TryGetValue<string>(out _)).ToList();
        var slot = strings.Count > 0 ? Pick(strings) : Pick(slots);
        var length = 1 << rng.Next(10, 21); // 1 KB to 1 MB
        var unit = rng.Next(4) switch
        {
            0 => "ado-trastuzumab emtansine ",
            1 => "\\u00e9\\\"",
            2 => "x",
            _ => "Kadcyla Herceptin Enhertu ",
        };
        var text = new StringBuilder(length + 32).Append('"');
        while (text.Length < length)
        {
            text.Append(unit);
        }

        slot.Set(Raw(text.Append('"').ToString()));
        _applied.Add($"string {slot.Path} of {length} chars");
    }

    private void HugeArray(List<Slot> slots)
    {
        var arrays = slots.Where(s => s.Node is JsonArray { Count: > 0 }).ToList();
        var slot = arrays.Count > 0 ? Pick(arrays) : Pick(slots);
        var item = slot.Node is JsonArray { Count: > 0 } a ? a[0]?.ToJsonString() ?? "null" : "0";
        var count = 1 << rng.Next(4, 17); // 16 to 65 536 items; some bodies pass the 4 MB limit
        var text = new StringBuilder("[");
        for (var i = 0; i < count && text.Length < 6_000_000; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(item);
        }

        slot.Set(Raw(text.Append(']').ToString()));
        _applied.Add($"array {slot.Path} of {count} items");
    }

    private void DeepNesting(Slot slot)
    {
        int[] depths = [8, 60, 63, 64, 65, 200, 1_000, 100_000];
        var depth = depths[rng.Next(depths.Length)];
        var (open, close) = rng.Next(2) == 0 ? ("[", "]") : ("{\"a\":", "}");
        var text = new StringBuilder(depth * (open.Length + 1) + 8);
        text.Insert(0, open, depth).Append("1").Insert(text.Length, close, depth);
        slot.Set(Raw(text.ToString()));
        _applied.Add($"nesting of depth {depth} at {slot.Path}");
    }

    private void WeirdText(List<Slot> slots)
    {
        var strings = slots.Where(s => s.Node is JsonValue v && v.TryGetValue<string>(out _)).ToList();
        var slot = strings.Count > 0 ? Pick(strings) : Pick(slots);
        string[] raw =
        [
            "\"\\ud800\"", "\"a\\udc00b\"", "\"\\u0000\"", "\"\\u202eKadcyla\"", "\"Kad\\u200bcyla\"", "\"\"",
            "\"   \"", "\"MedicationRequest/\"", "\"#\"", "\"Medication/../../etc\"", "\"http://\"",
            "\"urn:oid:\"", "\"\\\\\"", "\"KADCYLA\\u00a0(ado-trastuzumab\\u00a0emtansine)\"",
        ];
        var value = raw[rng.Next(raw.Length)];
        slot.Set(Raw(value));
        _applied.Add($"text {slot.Path} = {value}");
    }

    /// <summary>A marker for raw JSON (or raw bytes) spliced in after serialisation.</summary>
    private JsonNode Raw(string json) => RawBytes(Encoding.UTF8.GetBytes(json));

    private JsonNode RawBytes(byte[] bytes)
    {
        var marker = $"@@RAW{_raw.Count}@@";
        _raw[marker] = bytes;
        return JsonValue.Create(marker);
    }
}
