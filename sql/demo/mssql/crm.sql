-- The demo CRM: exactly the objects of SOURCE-SCHEMA.md (SQL Server types). Created by
-- `outbox run --demo` when dbo.Client does not exist. Never run this on a real CRM.
IF SCHEMA_ID(N'api') IS NULL EXEC(N'CREATE SCHEMA api AUTHORIZATION dbo');
GO
CREATE TABLE dbo.ClientStatus (
  StatusID   int IDENTITY(1,1) NOT NULL CONSTRAINT PK_ClientStatus PRIMARY KEY CLUSTERED,
  StatusName nvarchar(100) NOT NULL
);
CREATE TABLE dbo.TeamRole (
  TeamRoleID int IDENTITY(1,1) NOT NULL CONSTRAINT PK_TeamRole PRIMARY KEY CLUSTERED,
  RoleName   nvarchar(50) NOT NULL
);
CREATE TABLE dbo.Employee (
  EmployeeID          int IDENTITY(1,1) NOT NULL CONSTRAINT PK_Employee PRIMARY KEY CLUSTERED,
  FullName            nvarchar(200) NOT NULL,
  Email               nvarchar(200) NULL,
  Phone               nvarchar(50)  NULL,
  TeamRoleID          int NOT NULL CONSTRAINT FK_Employee_TeamRole REFERENCES dbo.TeamRole (TeamRoleID),
  IsActive            bit NOT NULL CONSTRAINT DF_Employee_IsActive DEFAULT 1,
  IsApprovedAffiliate bit NOT NULL CONSTRAINT DF_Employee_IsApprovedAffiliate DEFAULT 0,
  AffiliateCode       nvarchar(50) NULL,
  CreatedDate         datetime2 NOT NULL
);
CREATE TABLE dbo.Client (
  ClientID    int IDENTITY(1,1) NOT NULL CONSTRAINT PK_Client PRIMARY KEY CLUSTERED,
  FirstName   nvarchar(100) NOT NULL,
  LastName    nvarchar(100) NOT NULL,
  Email       nvarchar(200) NULL,
  Phone       nvarchar(50)  NULL,
  StatusID    int NOT NULL CONSTRAINT FK_Client_ClientStatus REFERENCES dbo.ClientStatus (StatusID),
  EmployeeID  int NULL CONSTRAINT FK_Client_Employee REFERENCES dbo.Employee (EmployeeID),
  AffiliateID int NULL CONSTRAINT FK_Client_Affiliate REFERENCES dbo.Employee (EmployeeID),
  LeadSource  nvarchar(100) NULL,
  CreatedDate datetime2 NOT NULL
);
CREATE TABLE dbo.ClientStatusHistory (
  ClientStatusHistoryID int IDENTITY(1,1) NOT NULL CONSTRAINT PK_ClientStatusHistory PRIMARY KEY CLUSTERED,
  ClientID              int NOT NULL CONSTRAINT FK_ClientStatusHistory_Client REFERENCES dbo.Client (ClientID),
  PreviousStatusID      int NULL,
  StatusID              int NOT NULL,
  ChangedDate           datetime2 NOT NULL,
  ChangedByEmployeeID   int NULL,
  StatusNote            nvarchar(max) NULL
);
CREATE INDEX IX_ClientStatusHistory_ClientID ON dbo.ClientStatusHistory (ClientID);
CREATE TABLE dbo.Invoice (
  InvoiceID   int IDENTITY(1,1) NOT NULL CONSTRAINT PK_Invoice PRIMARY KEY CLUSTERED,
  ClientID    int NOT NULL CONSTRAINT FK_Invoice_Client REFERENCES dbo.Client (ClientID),
  Amount      decimal(19,4) NOT NULL,
  DueDate     date NOT NULL,
  Description nvarchar(400) NOT NULL,
  CreatedDate datetime2 NOT NULL
);
CREATE INDEX IX_Invoice_ClientID ON dbo.Invoice (ClientID);
CREATE TABLE dbo.InvoicePayment (
  InvoicePaymentID int IDENTITY(1,1) NOT NULL CONSTRAINT PK_InvoicePayment PRIMARY KEY CLUSTERED,
  InvoiceID        int NOT NULL CONSTRAINT FK_InvoicePayment_Invoice REFERENCES dbo.Invoice (InvoiceID),
  ClientID         int NOT NULL,
  Amount           decimal(19,4) NOT NULL,
  PaymentMethod    nvarchar(50) NOT NULL,
  IsSuccessful     bit NOT NULL,
  FailureReason    nvarchar(400) NULL,
  TransactionID    nvarchar(100) NULL,
  PaymentDate      datetime2 NOT NULL
);
CREATE INDEX IX_InvoicePayment_InvoiceID ON dbo.InvoicePayment (InvoiceID);
CREATE TABLE dbo.DocType (
  DocTypeID   int IDENTITY(1,1) NOT NULL CONSTRAINT PK_DocType PRIMARY KEY CLUSTERED,
  DocTypeName nvarchar(100) NOT NULL
);
CREATE TABLE dbo.ClientDoc (
  ClientDocID int IDENTITY(1,1) NOT NULL CONSTRAINT PK_ClientDoc PRIMARY KEY CLUSTERED,
  ClientID    int NOT NULL CONSTRAINT FK_ClientDoc_Client REFERENCES dbo.Client (ClientID),
  DocName     nvarchar(260) NOT NULL,
  DocTypeID   int NOT NULL CONSTRAINT FK_ClientDoc_DocType REFERENCES dbo.DocType (DocTypeID),
  DocContent  varbinary(max) NULL,
  CreatedDate datetime2 NOT NULL
);
CREATE TABLE dbo.AgreementTerms (
  TermsID       int IDENTITY(1,1) NOT NULL CONSTRAINT PK_AgreementTerms PRIMARY KEY CLUSTERED,
  AgreementName nvarchar(200) NOT NULL,
  TermsText     nvarchar(max) NULL
);
CREATE TABLE dbo.AgreementSigned (
  AgreementSignedID int IDENTITY(1,1) NOT NULL CONSTRAINT PK_AgreementSigned PRIMARY KEY CLUSTERED,
  ClientID          int NOT NULL CONSTRAINT FK_AgreementSigned_Client REFERENCES dbo.Client (ClientID),
  TermsID           int NOT NULL CONSTRAINT FK_AgreementSigned_Terms REFERENCES dbo.AgreementTerms (TermsID),
  NameSigned        nvarchar(200) NOT NULL,
  IPAddress         varchar(45) NULL,
  SignedDate        datetime2 NOT NULL
);
GO
-- Paid: fully paid. Partial: some paid. Failed: nothing paid and a payment attempt failed.
-- Unpaid: no payment attempted. LastPaymentDate is the latest attempt, successful or not.
CREATE VIEW api.vwInvoiceDetails AS
SELECT i.InvoiceID, i.ClientID, i.Amount, i.DueDate, i.Description,
       CAST(CASE WHEN ISNULL(p.TotalPaid, 0) >= i.Amount THEN N'Paid'
                 WHEN ISNULL(p.TotalPaid, 0) > 0 THEN N'Partial'
                 WHEN p.Attempts > 0 THEN N'Failed'
                 ELSE N'Unpaid' END AS nvarchar(20)) AS InvoiceStatus,
       CAST(ISNULL(p.TotalPaid, 0) AS decimal(19,4)) AS TotalPaid,
       CAST(i.Amount - ISNULL(p.TotalPaid, 0) AS decimal(19,4)) AS Balance,
       p.LastPaymentDate,
       i.CreatedDate
FROM dbo.Invoice i
LEFT JOIN (
  SELECT InvoiceID,
         SUM(CASE WHEN IsSuccessful = 1 THEN Amount ELSE 0 END) AS TotalPaid,
         COUNT(*) AS Attempts,
         MAX(PaymentDate) AS LastPaymentDate
  FROM dbo.InvoicePayment
  GROUP BY InvoiceID
) p ON p.InvoiceID = i.InvoiceID;
GO
