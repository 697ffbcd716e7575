using System.Text.Json;
using CdsHooks.Service.Infrastructure;

namespace CdsHooks.Benchmarks;

/// <summary>The service's JSON options as ServiceRegistration configures them, so the answer is escaped as in production.</summary>
internal static class AppJson
{
    public static JsonSerializerOptions SerializerOptions()
    {
        var options = new Microsoft.AspNetCore.Http.Json.JsonOptions().SerializerOptions;
        ServiceRegistration.ConfigureJson(options);
        return options;
    }
}
