using CustomerStudio.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CustomerStudio.Data.SqlServer;

/// <summary>Used by dotnet-ef to build this provider's migrations; no database is contacted for add or script.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<StudioDbContext>
{
    public StudioDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, DatabaseProvider.SqlServer, "Server=localhost;Database=CustomerStudio;Trusted_Connection=True;TrustServerCertificate=True");
        return new StudioDbContext(builder.Options);
    }
}
