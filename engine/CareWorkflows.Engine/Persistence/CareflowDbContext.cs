using CareWorkflows.Engine.Access;
using CareWorkflows.Engine.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CareWorkflows.Engine.Persistence;

/// <summary>The engine's tables. One schema for every provider; each provider keeps its own migrations.</summary>
internal class CareflowDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<InboxRow> Inbox => Set<InboxRow>();
    public DbSet<PatientRow> Patients => Set<PatientRow>();
    public DbSet<InstanceRow> Instances => Set<InstanceRow>();
    public DbSet<TaskRow> Tasks => Set<TaskRow>();
    public DbSet<TimerRow> Timers => Set<TimerRow>();
    public DbSet<TimelineRow> Timeline => Set<TimelineRow>();
    public DbSet<ReminderRow> Reminders => Set<ReminderRow>();
    public DbSet<ListEntryRow> ListEntries => Set<ListEntryRow>();
    public DbSet<DefinitionVersionRow> DefinitionVersions => Set<DefinitionVersionRow>();
    public DbSet<StoreGenerationRow> StoreGeneration => Set<StoreGenerationRow>();
    public DbSet<PatientIdentifierRow> PatientIdentifiers => Set<PatientIdentifierRow>();
    public DbSet<RejectedMessageRow> RejectedMessages => Set<RejectedMessageRow>();
    public DbSet<InteractionRow> Interactions => Set<InteractionRow>();
    public DbSet<ReferralRow> Referrals => Set<ReferralRow>();
    public DbSet<CareGoalRow> CareGoals => Set<CareGoalRow>();
    public DbSet<CareManagerRow> CareManagers => Set<CareManagerRow>();
    public DbSet<ContactRow> Contacts => Set<ContactRow>();
    public DbSet<GroupSessionRow> GroupSessions => Set<GroupSessionRow>();
    public DbSet<GroupInvitationRow> GroupInvitations => Set<GroupInvitationRow>();
    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();
    public DbSet<AuditRow> AuditEvents => Set<AuditRow>();
    public DbSet<AuditPatientRow> AuditPatients => Set<AuditPatientRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboxRow>(e =>
        {
            e.ToTable("inbox");
            e.HasKey(r => r.Sequence);
            // Event ids are the sender's, unique within a practice: two practices may use the same id.
            e.HasIndex(r => new { r.PracticeId, r.EventId }).IsUnique();
            e.HasIndex(r => new { r.Status, r.Sequence });
            e.HasIndex(r => new { r.PracticeId, r.PatientId, r.Sequence });
        });
        modelBuilder.Entity<PatientRow>(e =>
        {
            e.ToTable("patients");
            e.HasKey(r => new { r.PracticeId, r.PatientId });
        });
        modelBuilder.Entity<InstanceRow>(e =>
        {
            e.ToTable("instances");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.PracticeId, r.PatientId, r.Status });
        });
        modelBuilder.Entity<TaskRow>(e =>
        {
            e.ToTable("tasks");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.PracticeId, r.Status, r.Role, r.DueAt });
            e.HasIndex(r => new { r.PracticeId, r.PatientId, r.Status });
        });
        modelBuilder.Entity<TimerRow>(e =>
        {
            e.ToTable("timers");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.Status, r.DueAt });
        });
        modelBuilder.Entity<TimelineRow>(e =>
        {
            e.ToTable("timeline");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.PracticeId, r.PatientId, r.Id });
        });
        modelBuilder.Entity<ReminderRow>(e =>
        {
            e.ToTable("reminders");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.Status, r.SendAt });
            e.HasIndex(r => new { r.Status, r.NotBefore });
            e.HasIndex(r => new { r.PracticeId, r.PatientId });
        });
        modelBuilder.Entity<ContactRow>(e =>
        {
            e.ToTable("patient_contacts");
            e.HasKey(r => new { r.PracticeId, r.PatientId });
            e.HasIndex(r => new { r.PracticeId, r.PhoneE164 });
        });
        modelBuilder.Entity<GroupSessionRow>(e =>
        {
            e.ToTable("group_sessions");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.PracticeId, r.StartsAt });
        });
        modelBuilder.Entity<GroupInvitationRow>(e =>
        {
            e.ToTable("group_invitations");
            e.HasKey(r => new { r.PracticeId, r.SessionId, r.PatientId });
            e.HasIndex(r => new { r.PracticeId, r.PatientId });
        });
        modelBuilder.Entity<DefinitionVersionRow>(e =>
        {
            e.ToTable("definition_versions");
            e.HasKey(r => new { r.WorkflowId, r.Version, r.Practice });
        });
        modelBuilder.Entity<ListEntryRow>(e =>
        {
            e.ToTable("list_entries");
            e.HasKey(r => new { r.PracticeId, r.ListId, r.PatientId });
        });
        modelBuilder.Entity<StoreGenerationRow>(e =>
        {
            e.ToTable("store_generation");
            e.HasKey(r => r.Id);
            e.Property(r => r.Id).ValueGeneratedNever();
            e.HasData(new StoreGenerationRow { Id = 1, Value = 0 });
        });
        modelBuilder.Entity<PatientIdentifierRow>(e =>
        {
            e.ToTable("patient_identifiers");
            e.HasKey(r => new { r.PracticeId, r.System, r.Value });
            e.HasIndex(r => new { r.PracticeId, r.PatientId });
        });
        modelBuilder.Entity<RejectedMessageRow>(e =>
        {
            e.ToTable("hl7_rejected");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.PracticeId, r.Id });
        });
        OnCareRecordsCreating(modelBuilder);
    }

    private static void OnCareRecordsCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InteractionRow>(e =>
        {
            e.ToTable("interactions");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.PracticeId, r.PatientId, r.At });
            e.HasIndex(r => new { r.PracticeId, r.Month });
        });
        modelBuilder.Entity<ReferralRow>(e =>
        {
            e.ToTable("referrals");
            e.HasKey(r => new { r.PracticeId, r.PatientId, r.ReferralId });
            e.HasIndex(r => new { r.PracticeId, r.Status });
        });
        modelBuilder.Entity<CareGoalRow>(e =>
        {
            e.ToTable("care_goals");
            e.HasKey(r => new { r.PracticeId, r.PatientId, r.GoalId });
        });
        modelBuilder.Entity<CareManagerRow>(e =>
        {
            e.ToTable("care_managers");
            e.HasKey(r => new { r.PracticeId, r.PatientId });
            e.HasIndex(r => new { r.PracticeId, r.StaffId });
        });
        modelBuilder.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(r => r.Id);
        });
        modelBuilder.Entity<AuditRow>(e =>
        {
            e.ToTable("audit_events");
            e.HasKey(r => r.Id);
            e.HasIndex(r => new { r.PracticeId, r.At });
            e.HasIndex(r => r.At);
        });
        modelBuilder.Entity<AuditPatientRow>(e =>
        {
            e.ToTable("audit_event_patients");
            e.HasKey(r => new { r.AuditId, r.PatientId });
            e.HasIndex(r => new { r.PracticeId, r.PatientId });
            e.HasOne<AuditRow>().WithMany().HasForeignKey(r => r.AuditId);
        });
    }
}

/// <summary>The SQLite flavour: instants are stored as UTC milliseconds so that SQLite can sort and compare them.</summary>
internal sealed class SqliteCareflowDbContext(DbContextOptions<SqliteCareflowDbContext> options) : CareflowDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcMillisecondsConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcMillisecondsConverter>();
    }

    private sealed class UtcMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.ToUnixTimeMilliseconds(),
        value => DateTimeOffset.FromUnixTimeMilliseconds(value));
}
