-- Reference data and a few records, as a CRM that has been in use for a while would have.
INSERT INTO dbo."ClientStatus" ("StatusID", "StatusName") VALUES
  (10, 'Lead - New'), (11, 'Lead - Contacted'), (12, 'Lead - Qualified'),
  (40, 'Client - Onboarding'), (42, 'Client - Active'), (43, 'Client - Graduated'), (44, 'Client - Cancelled');
INSERT INTO dbo."TeamRole" ("TeamRoleID", "RoleName") VALUES (1, 'Advisor'), (2, 'Affiliate'), (3, 'Admin');
INSERT INTO dbo."DocType" ("DocTypeID", "DocTypeName") VALUES
  (1, 'Credit Report'), (2, 'Photo ID'), (3, 'Utility Bill'), (4, 'Dispute Letter');
INSERT INTO dbo."AgreementTerms" ("TermsID", "AgreementName", "TermsText") VALUES
  (1, 'Service Agreement 2024', 'The full terms of service ...'),
  (2, 'Privacy Notice 2024', 'How we handle your data ...');
INSERT INTO dbo."Employee" ("EmployeeID", "FullName", "Email", "Phone", "TeamRoleID", "IsActive", "IsApprovedAffiliate", "AffiliateCode", "CreatedDate") VALUES
  (7, 'John Advisor', 'john.advisor@example.com', '+14155550107', 1, true, false, NULL, '2025-01-06 09:00:00'),
  (8, 'Maria Admin', 'maria.admin@example.com', '+14155550108', 3, true, false, NULL, '2025-01-06 09:05:00'),
  (9, 'Partner Pete', 'pete@partners.example.com', '+14155550109', 2, true, true, 'PETE2025', '2025-02-01 10:00:00');
INSERT INTO dbo."Client" ("ClientID", "FirstName", "LastName", "Email", "Phone", "StatusID", "EmployeeID", "AffiliateID", "LeadSource", "CreatedDate") VALUES
  (1, 'Jane', 'Smith', 'jane.smith@example.com', '+14155551234', 42, 7, NULL, 'referral', '2025-03-01 10:30:00'),
  (2, 'Michael', 'Johnson', 'michael.j@example.com', '+14155559876', 10, NULL, 9, 'website_form', '2025-03-02 09:15:00');
INSERT INTO dbo."Invoice" ("InvoiceID", "ClientID", "Amount", "DueDate", "Description", "CreatedDate") VALUES
  (1, 1, 99.00, '2025-03-15', 'Monthly Service Fee', '2025-03-01 11:00:00');
INSERT INTO dbo."InvoicePayment" ("InvoiceID", "ClientID", "Amount", "PaymentMethod", "IsSuccessful", "FailureReason", "TransactionID", "PaymentDate") VALUES
  (1, 1, 99.00, 'Credit Card', true, NULL, 'ch_seed0001', '2025-03-10 12:00:00');
-- Explicit ids above: move each identity to the highest, so the next row takes the next key
-- (a jump would be a capture gap that expires with an error ten minutes into the demo).
SELECT setval(pg_get_serial_sequence('dbo."ClientStatus"', 'StatusID'), (SELECT max("StatusID") FROM dbo."ClientStatus"));
SELECT setval(pg_get_serial_sequence('dbo."TeamRole"', 'TeamRoleID'), (SELECT max("TeamRoleID") FROM dbo."TeamRole"));
SELECT setval(pg_get_serial_sequence('dbo."DocType"', 'DocTypeID'), (SELECT max("DocTypeID") FROM dbo."DocType"));
SELECT setval(pg_get_serial_sequence('dbo."AgreementTerms"', 'TermsID'), (SELECT max("TermsID") FROM dbo."AgreementTerms"));
SELECT setval(pg_get_serial_sequence('dbo."Employee"', 'EmployeeID'), (SELECT max("EmployeeID") FROM dbo."Employee"));
SELECT setval(pg_get_serial_sequence('dbo."Client"', 'ClientID'), (SELECT max("ClientID") FROM dbo."Client"));
SELECT setval(pg_get_serial_sequence('dbo."Invoice"', 'InvoiceID'), (SELECT max("InvoiceID") FROM dbo."Invoice"));
