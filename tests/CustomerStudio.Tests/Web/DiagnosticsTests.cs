using System.Net;
using System.Net.Http.Json;
using CustomerStudio.Tests.Infrastructure;
using CustomerStudio.Web.Features.Diagnostics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerStudio.Tests.Web;

public class DiagnosticsTests(StudioAppFixture app) : IClassFixture<StudioAppFixture>
{
    private const string Url = "/api/admin/diagnostics/memory";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_admin_reads_the_memory_of_the_process(bool collect)
    {
        var client = await app.Factory.SignedInAsync(StudioAppFactory.Admin);
        var response = await client.GetAsync(collect ? Url + "?collect=true" : Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var memory = await response.Content.ReadFromJsonAsync<MemoryDiagnostics>();

        Assert.NotNull(memory);
        Assert.Equal(collect, memory.Collected);
        const long mb = 1024 * 1024;
        Assert.InRange(memory.WorkingSetBytes, 10 * mb, 64L * 1024 * mb);
        Assert.True(memory.PrivateMemoryBytes > 0);
        Assert.InRange(memory.GcTotalMemoryBytes, 1 * mb, memory.WorkingSetBytes);
        Assert.InRange(memory.GcHeapSizeBytes, 1 * mb, memory.WorkingSetBytes);
        Assert.True(memory.GcCommittedBytes >= memory.GcHeapSizeBytes - memory.GcFragmentedBytes);
        Assert.True(memory.OpenCircuits >= 0);
    }

    [Fact]
    public async Task Other_roles_are_refused_and_anonymous_callers_must_sign_in()
    {
        var marketer = await app.Factory.SignedInAsync(StudioAppFactory.Marketer);
        Assert.Equal(HttpStatusCode.Forbidden, (await marketer.GetAsync(Url)).StatusCode);
        var sales = await app.Factory.SignedInAsync(StudioAppFactory.Sales);
        Assert.Equal(HttpStatusCode.Forbidden, (await sales.GetAsync(Url + "?collect=true")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Factory.Anonymous().GetAsync(Url)).StatusCode);
    }

    [Fact]
    public async Task Circuits_are_counted_while_open()
    {
        var counter = app.Factory.Services.GetRequiredService<CircuitCounter>();
        using var scope = app.Factory.Services.CreateScope();
        var handler = Assert.Single(scope.ServiceProvider.GetServices<CircuitHandler>().OfType<CountingCircuitHandler>());
        var before = counter.Open;

        await handler.OnCircuitOpenedAsync(null!, CancellationToken.None);
        Assert.Equal(before + 1, counter.Open);
        await handler.OnCircuitClosedAsync(null!, CancellationToken.None);
        Assert.Equal(before, counter.Open);
    }
}
