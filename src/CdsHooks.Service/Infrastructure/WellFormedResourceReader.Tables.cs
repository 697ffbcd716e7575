using System.Collections;
using System.Text.Json;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Infrastructure;

/// <summary>The JSON names of each class, built once from Firely's class mappings.</summary>
internal static partial class WellFormedResourceReader
{
    private static Table TableOf(ClassMapping mapping) => Tables.GetOrAdd(mapping, static m => new Table(m));

    /// <summary>How a primitive's JSON value is kept; <see cref="Other"/> is left to Firely (base64, 64-bit integers).</summary>
    private enum ValueKind
    {
        Other,
        Text,
        Decimal,
        Integer,
        Boolean,
    }

    /// <summary>One JSON property name of a class: the element it sets and the class of its value.</summary>
    private sealed class Property(string element, ClassMapping value, Func<IList>? newList, bool isResource, bool underscore, int slot)
    {
        public string Element { get; } = element;

        /// <summary>Makes the list a repeating element holds; null for a single value.</summary>
        public Func<IList>? NewList { get; } = newList;

        public ClassMapping Value { get; } = value;

        public bool IsCollection => NewList is not null;

        public bool IsResource { get; } = isResource;

        public bool Underscore { get; } = underscore;

        /// <summary>The seen-mark: 2 × the element's index, + 1 for the <c>_</c> part.</summary>
        public int Slot { get; } = slot;

        public ValueKind ValueKind { get; } = KindOf(value);

        /// <summary>The names of the value's class, kept here once found so that an object costs no lookup of its table
        /// (a race only builds the same table twice).</summary>
        public Table ValueTable => _valueTable ??= TableOf(Value);

        private Table? _valueTable;

        private static ValueKind KindOf(ClassMapping value)
        {
            var type = value.PrimitiveValueProperty?.ImplementingType;
            return !value.IsFhirPrimitive || type is null ? ValueKind.Other
                : type == typeof(string) || type == typeof(DateTimeOffset) || type.IsEnum ? ValueKind.Text
                : type == typeof(decimal) ? ValueKind.Decimal
                : type == typeof(int) ? ValueKind.Integer
                : type == typeof(bool) ? ValueKind.Boolean
                : ValueKind.Other;
        }
    }

    /// <summary>Every JSON property name of one class (<c>valueQuantity</c>, <c>_status</c>), built once from Firely's
    /// class mapping and looked up without allocating.</summary>
    private sealed class Table
    {
        private readonly Dictionary<string, Property> _byName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Property>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public Table(ClassMapping mapping)
        {
            var index = 0;
            foreach (var element in mapping.PropertyMappings)
            {
                if (element.IsPrimitive)
                {
                    continue; // a primitive's own value: only ever the JSON value itself, never a property
                }

                var slot = 2 * index++;
                if (element.Choice == ChoiceType.DatatypeChoice)
                {
                    foreach (var type in element.FhirTypeMappings)
                    {
                        Add(element.Name + char.ToUpperInvariant(type.Name[0]) + type.Name[1..], element, type, slot);
                    }
                }
                else if (element.Choice == ChoiceType.ResourceChoice)
                {
                    Add(element.Name, element, element.PropertyTypeMapping, slot, isResource: true);
                }
                else if (Instantiable(element) is { } type)
                {
                    Add(element.Name, element, type, slot);
                }
            }

            _lookup = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
            Slots = 2 * index;
        }

        /// <summary>How many seen-marks an object of the class needs.</summary>
        public int Slots { get; }

        /// <summary>The class an element's value is made of: its implementing type, or where that is abstract (elements
        /// whose type differs between FHIR releases, like <c>Meta.profile</c>), the type R4 gives it.</summary>
        private static ClassMapping? Instantiable(PropertyMapping element) =>
            !element.ImplementingType.IsAbstract ? Inspector.FindOrImportClassMapping(element.ImplementingType)
            : element.PropertyTypeMapping is { NativeType.IsAbstract: false } declared ? declared
            : null;

        private void Add(string name, PropertyMapping element, ClassMapping type, int slot, bool isResource = false)
        {
            var newList = element.IsCollection ? ListOf(element, type) : null;
            if (type.NativeType.IsAbstract && !isResource || element.IsCollection && newList is null)
            {
                return; // nothing to make: left to Firely
            }

            _byName[name] = new Property(element.Name, type, newList, isResource, underscore: false, slot);
            if (type.IsFhirPrimitive && newList is null)
            {
                // The _ part of a single primitive; arrays of primitives with a _ part (_given) are left to Firely.
                _byName["_" + name] = new Property(element.Name, type, newList, isResource: false, underscore: true, slot + 1);
            }
        }

        /// <summary>The list a repeating element holds: a list of its class, or where the model declares a list of an
        /// abstract type (<c>Meta.profile</c> is a <c>List&lt;PrimitiveType&gt;</c>, for FHIR releases that differ), a list
        /// of that declared type, which is what Firely fills. Null when neither can be made: the element is left to Firely.</summary>
        private static Func<IList>? ListOf(PropertyMapping element, ClassMapping type)
        {
            var declared = element.NativeProperty?.PropertyType;
            if (declared is null || declared.IsInstanceOfType(type.CreateList()))
            {
                return type.CreateList;
            }

            return declared is { IsAbstract: false, IsInterface: false } && typeof(IList).IsAssignableFrom(declared) && declared.GetConstructor(Type.EmptyTypes) is not null
                ? () => (IList)Activator.CreateInstance(declared)!
                : null;
        }

        /// <summary>The property whose name the reader is on, or null for a name R4 does not know here.</summary>
        public Property? Find(ref Utf8JsonReader reader)
        {
            if (reader.HasValueSequence || reader.ValueSpan.Length > NameBuffer)
            {
                return null;
            }

            Span<char> name = stackalloc char[NameBuffer];
            return _lookup.TryGetValue(name[..reader.CopyString(name)], out var property) ? property : null;
        }
    }
}
