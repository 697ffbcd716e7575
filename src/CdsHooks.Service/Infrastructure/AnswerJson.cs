using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CdsHooks.Engine.Cards;
using CdsHooks.Fhir;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// Writes a hook answer (<see cref="CdsResponse"/>) with the same bytes as <see cref="JsonSerializer"/> over
/// <see cref="CdsJsonContext"/> and the same writer options, for less CPU. Where the time went:
/// <list type="bullet">
/// <item>Each card repeats its rule's fixed parts (source, overrideReasons, links, extension: 1.1–1.6 KB of JSON
/// with labels and URLs to escape). <see cref="CardRenderer"/> builds them once per rule and every card shares the
/// objects, so their JSON is made once per object and copied afterwards (<see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>).</item>
/// <item>The card, suggestion and action envelopes are written directly with pre-encoded property names and the
/// CDS Hooks constants (indicator, selectionBehavior, action type) pre-encoded too.</item>
/// </list>
/// The FHIR resources inside actions follow the generated serializer's contracts: a MedicationRequest (every create
/// the service suggests) is written member by member in its contract's order, with the order template's drug and
/// dosage JSON made once per object (<see cref="WriteResource"/>); other resources go through the serializer.
/// The cards' member order and null omission follow CdsModels.cs: declaration order, nulls left out (CDS Hooks
/// forbids null; builders never make "" or empty lists, and if one did it would be written as the serializer writes
/// it). One instance per writer options: the encoder is a host setting and the prepared bytes are escaped with it.
/// </summary>
internal sealed partial class AnswerJson
{
    private static readonly JsonEncodedText Cards = JsonEncodedText.Encode("cards");
    private static readonly JsonEncodedText SystemActions = JsonEncodedText.Encode("systemActions");
    private static readonly JsonEncodedText Uuid = JsonEncodedText.Encode("uuid");
    private static readonly JsonEncodedText Summary = JsonEncodedText.Encode("summary");
    private static readonly JsonEncodedText Detail = JsonEncodedText.Encode("detail");
    private static readonly JsonEncodedText Indicator = JsonEncodedText.Encode("indicator");
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText Suggestions = JsonEncodedText.Encode("suggestions");
    private static readonly JsonEncodedText SelectionBehavior = JsonEncodedText.Encode("selectionBehavior");
    private static readonly JsonEncodedText OverrideReasons = JsonEncodedText.Encode("overrideReasons");
    private static readonly JsonEncodedText Links = JsonEncodedText.Encode("links");
    private static readonly JsonEncodedText Extension = JsonEncodedText.Encode("extension");
    private static readonly JsonEncodedText Label = JsonEncodedText.Encode("label");
    private static readonly JsonEncodedText IsRecommended = JsonEncodedText.Encode("isRecommended");
    private static readonly JsonEncodedText Actions = JsonEncodedText.Encode("actions");
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
    private static readonly JsonEncodedText ResourceName = JsonEncodedText.Encode("resource");
    private static readonly JsonEncodedText ResourceId = JsonEncodedText.Encode("resourceId");

    // Values the service writes again and again (CDS Hooks §Card: indicator, selectionBehavior; §Action: type).
    // ASCII letters and '-', which no encoder escapes, so encoding them once gives the bytes the writer would.
    private static readonly JsonEncodedText Critical = JsonEncodedText.Encode("critical");
    private static readonly JsonEncodedText Warning = JsonEncodedText.Encode("warning");
    private static readonly JsonEncodedText Info = JsonEncodedText.Encode("info");
    private static readonly JsonEncodedText AtMostOne = JsonEncodedText.Encode("at-most-one");
    private static readonly JsonEncodedText Create = JsonEncodedText.Encode("create");
    private static readonly JsonEncodedText Delete = JsonEncodedText.Encode("delete");
    private static readonly JsonEncodedText Update = JsonEncodedText.Encode("update");

    /// <summary>The ASCII characters this writer's encoder writes as they are (see <see cref="WriteText"/>).</summary>
    private readonly SearchValues<char> _plainAscii;

    /// <summary>The writer's bytes for each other ASCII character (by code), and for characters outside ASCII met in
    /// card texts so far (by scalar value, at most <see cref="MaxKeptEscapes"/>).</summary>
    private readonly byte[]?[] _asciiEscapes = new byte[]?[128];
    private readonly ConcurrentDictionary<int, byte[]> _escapes = new();
    private int _keptEscapes;

    public AnswerJson(JsonWriterOptions options)
    {
        Options = options;
        var encoder = options.Encoder ?? JavaScriptEncoder.Default; // the writer's own escaping without one is the default encoder's
        var plain = new List<char>();
        for (var c = '\0'; c < (char)128; c++)
        {
            if (!encoder.WillEncode(c))
            {
                plain.Add(c);
            }
            else
            {
                _asciiEscapes[c] = EscapeOf([c]);
            }
        }

        _plainAscii = SearchValues.Create(plain.ToArray());
    }

    /// <summary>
    /// The writer for a host's JSON options: its encoder and layout, so values are escaped as <c>TypedResults.Ok</c>
    /// would escape them. The hook endpoint makes one when it is mapped, and every answer of that host shares it
    /// (and the shared card parts it has prepared).
    /// </summary>
    public static AnswerJson For(JsonSerializerOptions options) => new(WriterOptions(options));

    /// <summary>The writer options of the application's serializer options. The property names of the answer are
    /// ASCII and need no escaping with any encoder; the metadata used is the generated context's own.</summary>
    private static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        IndentCharacter = options.IndentCharacter,
        IndentSize = options.IndentSize,
        NewLine = options.NewLine,
        MaxDepth = options.MaxDepth,
        SkipValidation = true, // the serializer and AnswerJson write valid JSON; validation is for untrusted callers
    };

    /// <summary>The options every writer given to <see cref="Write"/> must have been made with.</summary>
    public JsonWriterOptions Options { get; }

    /// <summary>
    /// Whether the hand-written path applies: prepared parts are compact JSON and cannot be re-indented
    /// where they land, so indented output (never configured by the service) goes through the serializer.
    /// </summary>
    public bool Direct => !Options.Indented;

    /// <summary>Writes <paramref name="answer"/> to <paramref name="writer"/>, made with <see cref="Options"/>.</summary>
    public void Write(Utf8JsonWriter writer, CdsResponse answer)
    {
        if (!Direct)
        {
            JsonSerializer.Serialize(writer, answer, CdsJsonContext.Default.CdsResponse);
            return;
        }

        writer.WriteStartObject();
        if (answer.Cards is { } cards)
        {
            writer.WritePropertyName(Cards);
            writer.WriteStartArray();
            for (var i = 0; i < cards.Count; i++) // by index: no enumerator to allocate
            {
                WriteCard(writer, cards[i]);
            }

            writer.WriteEndArray();
        }

        if (answer.SystemActions is { } systemActions)
        {
            writer.WritePropertyName(SystemActions);
            WriteActions(writer, systemActions);
        }

        writer.WriteEndObject();
        writer.Flush(); // as JsonSerializer.Serialize does: the bytes are in the output when Write returns
    }

    private void WriteCard(Utf8JsonWriter writer, Card card)
    {
        writer.WriteStartObject();
        WriteString(writer, Uuid, card.Uuid);
        WriteText(writer, Summary, card.Summary);
        WriteText(writer, Detail, card.Detail);
        WriteKnown(writer, Indicator, card.Indicator);
        if (card.Source is { } source)
        {
            writer.WritePropertyName(Source);
            WritePart(writer, source, CdsJsonContext.Default.CardSource);
        }

        if (card.Suggestions is { } suggestions)
        {
            writer.WritePropertyName(Suggestions);
            writer.WriteStartArray();
            for (var i = 0; i < suggestions.Count; i++)
            {
                WriteSuggestion(writer, suggestions[i]);
            }

            writer.WriteEndArray();
        }

        WriteKnown(writer, SelectionBehavior, card.SelectionBehavior);

        if (card.OverrideReasons is { } overrideReasons)
        {
            writer.WritePropertyName(OverrideReasons);
            WritePart(writer, overrideReasons, CdsJsonContext.Default.IReadOnlyListCdsCoding);
        }

        if (card.Links is { } links)
        {
            writer.WritePropertyName(Links);
            WritePart(writer, links, CdsJsonContext.Default.IReadOnlyListCdsLink);
        }

        if (card.Extension is { } extension)
        {
            writer.WritePropertyName(Extension);
            WritePart(writer, extension, CdsJsonContext.Default.CardExtension);
        }

        writer.WriteEndObject();
    }

    private void WriteSuggestion(Utf8JsonWriter writer, Suggestion suggestion)
    {
        writer.WriteStartObject();
        WriteText(writer, Label, suggestion.Label);
        WriteString(writer, Uuid, suggestion.Uuid);
        if (suggestion.IsRecommended is { } recommended)
        {
            writer.WriteBoolean(IsRecommended, recommended);
        }

        if (suggestion.Actions is { } actions)
        {
            writer.WritePropertyName(Actions);
            WriteActions(writer, actions);
        }

        writer.WriteEndObject();
    }

    private void WriteActions(Utf8JsonWriter writer, IReadOnlyList<CdsAction> actions)
    {
        writer.WriteStartArray();
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            writer.WriteStartObject();
            WriteKnown(writer, Type, action.Type);
            WriteString(writer, Description, action.Description);
            if (action.Resource is { } resource)
            {
                writer.WritePropertyName(ResourceName);
                WriteResource(writer, resource);
            }

            WriteString(writer, ResourceId, action.ResourceId);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// A string member, left out when null as the serializer does (WhenWritingNull). The models declare most of
    /// them required and non-null; the check keeps a null out of the answer all the same (CDS Hooks forbids it).
    /// </summary>
    private static void WriteString(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>
    /// A card's text (summary, markdown detail, suggestion label). Once <see cref="Utf8JsonWriter"/> meets the first
    /// character its encoder escapes, it escapes the rest of the value a character at a time, and every card text has
    /// such characters: line feeds, and with the default encoder '+', '`', '&lt;', '&gt;', '\'' and everything outside
    /// ASCII ('≥', '×', '±', '§'). Here the runs of plain ASCII are copied to UTF-8 at once, and each other character
    /// is written as the writer writes it alone: its escape, asked of a writer with the same options once per
    /// character (<see cref="EscapeOf"/>) and kept (ASCII from the start; other characters as they come, up to
    /// <see cref="MaxKeptEscapes"/>). Escaping is per character (per surrogate pair), so the bytes are the writer's
    /// own (AnswerJsonTests compares them for every fixture and odd texts, under three encoders). Anything this path
    /// does not handle (a broken surrogate, which the writer writes in its own way; a very long value; a full
    /// table) is left to the writer.
    /// </summary>
    private void WriteText(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is null)
        {
            return;
        }

        var text = value.AsSpan();
        var next = text.IndexOfAnyExcept(_plainAscii);
        if (next < 0 || value.Length > 64 * 1024)
        {
            writer.WriteString(name, value); // nothing to escape (the writer's own fast path), or too long to bother
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((MaxEscapeBytesPerChar * text.Length) + 2);
        try
        {
            var utf8 = buffer.AsSpan();
            utf8[0] = (byte)'"';
            var written = 1;
            while (true)
            {
                Ascii.FromUtf16(text[..next], utf8[written..], out var copied);
                written += copied;
                if (next == text.Length)
                {
                    break;
                }

                if (EscapeAt(text, next, out var width) is not { } escaped)
                {
                    writer.WriteString(name, value); // the writer's escaping, broken UTF-16 included
                    return;
                }

                escaped.CopyTo(utf8[written..]);
                written += escaped.Length;
                text = text[(next + width)..];
                next = text.IndexOfAnyExcept(_plainAscii);
                if (next < 0)
                {
                    next = text.Length;
                }
            }

            utf8[written++] = (byte)'"';
            writer.WritePropertyName(name);
            writer.WriteRawValue(utf8[..written], skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The most bytes one UTF-16 character becomes: <c>\uXXXX</c> (a surrogate pair, two of them).</summary>
    private const int MaxEscapeBytesPerChar = 6;

    /// <summary>How many characters outside ASCII keep their escape. Card texts draw on a few dozen (knowledge
    /// texts); patient data (a drug's free text) could bring any, and the table must not grow without end.</summary>
    internal const int MaxKeptEscapes = 1024;

    /// <summary>What the writer writes for the character (or surrogate pair) at <paramref name="index"/>, which is not
    /// plain ASCII; null when this path should leave the value to the writer.</summary>
    private byte[]? EscapeAt(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        width = 1;
        if (c < 128)
        {
            return _asciiEscapes[c];
        }

        int scalar = c;
        if (char.IsSurrogate(c))
        {
            if (!char.IsHighSurrogate(c) || index + 1 == text.Length || !char.IsLowSurrogate(text[index + 1]))
            {
                return null; // broken UTF-16: left to the writer, which writes it as it did before this path
            }

            scalar = char.ConvertToUtf32(c, text[index + 1]);
            width = 2;
        }

        if (_escapes.TryGetValue(scalar, out var known))
        {
            return known;
        }

        if (Interlocked.Increment(ref _keptEscapes) > MaxKeptEscapes)
        {
            Interlocked.Decrement(ref _keptEscapes);
            return null;
        }

        var escaped = EscapeOf(text.Slice(index, width));
        if (!_escapes.TryAdd(scalar, escaped))
        {
            Interlocked.Decrement(ref _keptEscapes); // another request kept the same bytes first
        }

        return escaped;
    }

    /// <summary>The bytes a writer with these options writes for <paramref name="chars"/> as a string, without the quotes.</summary>
    private byte[] EscapeOf(ReadOnlySpan<char> chars)
    {
        var output = new ArrayBufferWriter<byte>(16);
        using (var scratch = new Utf8JsonWriter(output, Options))
        {
            scratch.WriteStringValue(chars);
        }

        return output.WrittenSpan[1..^1].ToArray();
    }

    /// <summary>A CDS Hooks constant from its pre-encoded bytes; anything else as <see cref="WriteString"/>.</summary>
    private static void WriteKnown(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        switch (value)
        {
            case null: break;
            case "critical": writer.WriteString(name, Critical); break;
            case "warning": writer.WriteString(name, Warning); break;
            case "info": writer.WriteString(name, Info); break;
            case "at-most-one": writer.WriteString(name, AtMostOne); break;
            case "create": writer.WriteString(name, Create); break;
            case "delete": writer.WriteString(name, Delete); break;
            case "update": writer.WriteString(name, Update); break;
            default: writer.WriteString(name, value); break;
        }
    }
}
