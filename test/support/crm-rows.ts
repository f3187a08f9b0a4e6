/** A CRM client row: status 42 (a client, not a lead) unless given, created at the CRM's local time. */
export const clientRow = (firstName: string, lastName: string, created: string, statusId = 42) => ({
  FirstName: firstName,
  LastName: lastName,
  Email: null,
  Phone: null,
  StatusID: statusId,
  EmployeeID: 7,
  AffiliateID: null,
  LeadSource: null,
  CreatedDate: created,
});

/** A CRM employee row in team role 1 (not the Affiliate role), created at the CRM's local time. */
export const employeeRow = (fullName: string, created: string) => ({
  FullName: fullName,
  Email: null,
  Phone: null,
  TeamRoleID: 1,
  IsActive: true,
  IsApprovedAffiliate: false,
  AffiliateCode: null,
  CreatedDate: created,
});
