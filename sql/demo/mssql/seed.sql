-- Reference data and a few records, as a CRM that has been in use for a while would have.
SET IDENTITY_INSERT dbo.ClientStatus ON;
INSERT INTO dbo.ClientStatus (StatusID, StatusName) VALUES
  (10, N'Lead - New'), (11, N'Lead - Contacted'), (12, N'Lead - Qualified'),
  (40, N'Client - Onboarding'), (42, N'Client - Active'), (43, N'Client - Graduated'), (44, N'Client - Cancelled');
SET IDENTITY_INSERT dbo.ClientStatus OFF;
SET IDENTITY_INSERT dbo.TeamRole ON;
INSERT INTO dbo.TeamRole (TeamRoleID, RoleName) VALUES (1, N'Advisor'), (2, N'Affiliate'), (3, N'Admin');
SET IDENTITY_INSERT dbo.TeamRole OFF;
SET IDENTITY_INSERT dbo.DocType ON;
INSERT INTO dbo.DocType (DocTypeID, DocTypeName) VALUES
  (1, N'Credit Report'), (2, N'Photo ID'), (3, N'Utility Bill'), (4, N'Dispute Letter');
SET IDENTITY_INSERT dbo.DocType OFF;
SET IDENTITY_INSERT dbo.AgreementTerms ON;
INSERT INTO dbo.AgreementTerms (TermsID, AgreementName, TermsText) VALUES
  (1, N'Service Agreement 2024', N'The full terms of service ...'),
  (2, N'Privacy Notice 2024', N'How we handle your data ...');
SET IDENTITY_INSERT dbo.AgreementTerms OFF;
SET IDENTITY_INSERT dbo.Employee ON;
INSERT INTO dbo.Employee (EmployeeID, FullName, Email, Phone, TeamRoleID, IsActive, IsApprovedAffiliate, AffiliateCode, CreatedDate) VALUES
  (7, N'John Advisor', N'john.advisor@example.com', N'+14155550107', 1, 1, 0, NULL, '2025-01-06T09:00:00'),
  (8, N'Maria Admin', N'maria.admin@example.com', N'+14155550108', 3, 1, 0, NULL, '2025-01-06T09:05:00'),
  (9, N'Partner Pete', N'pete@partners.example.com', N'+14155550109', 2, 1, 1, N'PETE2025', '2025-02-01T10:00:00');
SET IDENTITY_INSERT dbo.Employee OFF;
SET IDENTITY_INSERT dbo.Client ON;
INSERT INTO dbo.Client (ClientID, FirstName, LastName, Email, Phone, StatusID, EmployeeID, AffiliateID, LeadSource, CreatedDate) VALUES
  (1, N'Jane', N'Smith', N'jane.smith@example.com', N'+14155551234', 42, 7, NULL, N'referral', '2025-03-01T10:30:00'),
  (2, N'Michael', N'Johnson', N'michael.j@example.com', N'+14155559876', 10, NULL, 9, N'website_form', '2025-03-02T09:15:00');
SET IDENTITY_INSERT dbo.Client OFF;
SET IDENTITY_INSERT dbo.Invoice ON;
INSERT INTO dbo.Invoice (InvoiceID, ClientID, Amount, DueDate, Description, CreatedDate) VALUES
  (1, 1, 99.00, '2025-03-15', N'Monthly Service Fee', '2025-03-01T11:00:00');
SET IDENTITY_INSERT dbo.Invoice OFF;
INSERT INTO dbo.InvoicePayment (InvoiceID, ClientID, Amount, PaymentMethod, IsSuccessful, FailureReason, TransactionID, PaymentDate) VALUES
  (1, 1, 99.00, N'Credit Card', 1, NULL, N'ch_seed0001', '2025-03-10T12:00:00');
-- No reseed: explicit ids under IDENTITY_INSERT already move each identity to the highest one,
-- so the next row takes the next key and capture sees no gap.
GO
