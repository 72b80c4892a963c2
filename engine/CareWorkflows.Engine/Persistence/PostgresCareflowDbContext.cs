using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// The PostgreSQL flavour: instants are <c>timestamptz</c>, written in UTC (Npgsql refuses other offsets), and the
/// <c>patient_claims</c> table through which nodes take turns on a patient (<see cref="PatientClaims"/>).
/// </summary>
internal sealed class PostgresCareflowDbContext(DbContextOptions<PostgresCareflowDbContext> options) : CareflowDbContext(options)
{
    public DbSet<PatientClaimRow> PatientClaims => Set<PatientClaimRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<PatientClaimRow>(e =>
        {
            e.ToTable("patient_claims");
            e.HasKey(r => new { r.PracticeId, r.PatientId });
        });
    }

    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        value => value.ToUniversalTime(),
        value => value);
}

/// <summary>
/// One patient's claim row (PostgreSQL only). A node applying events to the patient holds the row locked for its
/// transaction; <see cref="Epoch"/> goes up with every commit that changed the patient, so a cached state is
/// known to be current exactly when its epoch is the row's.
/// </summary>
internal sealed class PatientClaimRow
{
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
    public long Epoch { get; set; }
    public required string Node { get; set; }
    public DateTimeOffset ClaimedAt { get; set; }
}
