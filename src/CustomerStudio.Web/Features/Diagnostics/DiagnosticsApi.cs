using System.Diagnostics;
using System.Runtime;
using CustomerStudio.Web.Security;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CustomerStudio.Web.Features.Diagnostics;

/// <summary>Process memory as the operator sees it, for admins: <c>GET /api/admin/diagnostics/memory[?collect=true]</c>.</summary>
public static class DiagnosticsApi
{
    public static void AddDiagnostics(this IHostApplicationBuilder builder) => builder.Services.AddStudioDiagnostics();

    public static IServiceCollection AddStudioDiagnostics(this IServiceCollection services)
    {
        services.TryAddSingleton<CircuitCounter>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, CountingCircuitHandler>());
        return services;
    }

    public static void MapDiagnosticsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/admin/diagnostics").WithTags("Diagnostics").RequireAuthorization(Policies.Settings);

        group.MapGet("/memory", Memory)
            .WithName("GetMemoryDiagnostics")
            .WithSummary("Working set, private memory, managed heap and open Blazor circuits of this process. " +
                         "collect=true first runs a full blocking garbage collection (compacting the large object heap once).");
    }

    internal static Ok<MemoryDiagnostics> Memory(bool? collect, CircuitCounter circuits)
    {
        var collected = collect == true;
        if (collected)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        using var process = Process.GetCurrentProcess();
        var info = GC.GetGCMemoryInfo();
        return TypedResults.Ok(new MemoryDiagnostics(
            Collected: collected,
            WorkingSetBytes: Environment.WorkingSet,
            PrivateMemoryBytes: process.PrivateMemorySize64,
            GcTotalMemoryBytes: GC.GetTotalMemory(forceFullCollection: false),
            GcHeapSizeBytes: info.HeapSizeBytes,
            GcCommittedBytes: info.TotalCommittedBytes,
            GcFragmentedBytes: info.FragmentedBytes,
            ServerGc: GCSettings.IsServerGC,
            OpenCircuits: circuits.Open));
    }
}

/// <summary>Memory figures of the studio process; sizes in bytes.</summary>
/// <param name="Collected">Whether a full collection ran before the figures were read.</param>
/// <param name="WorkingSetBytes">Physical memory mapped to the process (<see cref="Environment.WorkingSet"/>, RSS on Linux).</param>
/// <param name="PrivateMemoryBytes">Private memory (<see cref="Process.PrivateMemorySize64"/>; VmData on Linux).</param>
/// <param name="GcTotalMemoryBytes">Bytes thought to be allocated on the managed heap (<see cref="GC.GetTotalMemory"/>).</param>
/// <param name="GcHeapSizeBytes">Managed heap size at the last collection (<see cref="GCMemoryInfo.HeapSizeBytes"/>).</param>
/// <param name="GcCommittedBytes">Memory the GC has committed from the OS.</param>
/// <param name="GcFragmentedBytes">Free space inside the managed heap at the last collection.</param>
/// <param name="ServerGc">Server (true) or workstation (false) garbage collector.</param>
/// <param name="OpenCircuits">Blazor Server circuits currently held (one per open interactive browser tab).</param>
public sealed record MemoryDiagnostics(
    bool Collected,
    long WorkingSetBytes,
    long PrivateMemoryBytes,
    long GcTotalMemoryBytes,
    long GcHeapSizeBytes,
    long GcCommittedBytes,
    long GcFragmentedBytes,
    bool ServerGc,
    int OpenCircuits);
