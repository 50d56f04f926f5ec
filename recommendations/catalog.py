"""The starter catalog of controls an MSP recommends to its clients.

Each entry is plain data, loaded into the Control table by a data migration or a
management command, so the product ships with a usable catalog on day one.
The texts are written for a non-technical executive who has to decide whether to
accept or refuse a recommendation, and they are quoted in the signing page and in
the waiver PDF, so they describe business outcomes rather than technology.

Keys of every entry:

- ``code``: stable short identifier (uppercase letters, digits, hyphens, max 32).
- ``title``: short title (max 120 characters).
- ``category``: one of the Control categories (identity, data_protection,
  endpoint, network, email, people, operations, governance, vendor).
- ``description``: what the control is.
- ``why_it_matters``: why the MSP recommends it.
- ``consequences``: what can happen to the business if it is refused.
- ``default_likelihood`` and ``default_impact``: 1-5, the starting point the vCIO
  adjusts for each client; their product is the inherent risk (1-25).
- ``nist_csf``: NIST CSF 2.0 subcategory identifiers, comma separated.
- ``cis_controls``: CIS Controls v8 safeguard numbers, comma separated.
"""

STARTER_CATALOG: tuple[dict, ...] = (
    # --- identity -------------------------------------------------------------
    {
        "code": "IAM-MFA",
        "title": "Multi-factor authentication for all users and services",
        "category": "identity",
        "description": (
            "Every sign-in to email, cloud applications and remote access asks for "
            "a second proof of identity, such as an approval in a phone app, on top "
            "of the password."
        ),
        "why_it_matters": (
            "Stolen and guessed passwords are the most common way criminals get into "
            "a business. A second factor stops almost all of these attempts even "
            "when the password is already in an attacker's hands."
        ),
        "consequences": (
            "A single leaked password can let an attacker read and send email as "
            "your staff, redirect customer payments, or launch ransomware that "
            "stops operations for days or weeks."
        ),
        "default_likelihood": 4,
        "default_impact": 5,
        "nist_csf": "PR.AA-03",
        "cis_controls": "6.3, 6.4, 6.5",
    },
    {
        "code": "IAM-ADMIN-PHISHRES",
        "title": "Phishing-resistant MFA for administrator accounts",
        "category": "identity",
        "description": (
            "Accounts that can change systems or other users' access sign in with a "
            "hardware security key or a passkey, which cannot be tricked into "
            "approving a fake login page."
        ),
        "why_it_matters": (
            "Attackers now routinely bypass text codes and push approvals with fake "
            "login pages and repeated prompts. Administrator accounts are their "
            "first target because one of them unlocks everything else."
        ),
        "consequences": (
            "A compromised administrator can disable security tools, delete "
            "backups and encrypt every system at once, turning an incident into a "
            "company-wide outage and a ransom demand."
        ),
        "default_likelihood": 3,
        "default_impact": 5,
        "nist_csf": "PR.AA-03",
        "cis_controls": "6.5",
    },
    {
        "code": "IAM-PRIV-ACCOUNTS",
        "title": "Separate, least-privilege administrator accounts",
        "category": "identity",
        "description": (
            "People who administer systems use a dedicated admin account only for "
            "admin work, and a normal account for email and browsing. Admin rights "
            "are granted only where needed and reviewed regularly."
        ),
        "why_it_matters": (
            "When everyday accounts carry admin rights, any malicious link or "
            "attachment runs with full control of the system. Separating the two "
            "limits what a single mistake can do."
        ),
        "consequences": (
            "One phishing click by a staff member with admin rights can give an "
            "attacker control of the whole network, leading to data theft, ransom "
            "and a lengthy rebuild."
        ),
        "default_likelihood": 3,
        "default_impact": 5,
        "nist_csf": "PR.AA-05",
        "cis_controls": "5.4, 6.8",
    },
    {
        "code": "IAM-PASSWORD-MGR",
        "title": "Business password manager",
        "category": "identity",
        "description": (
            "Staff store and generate passwords in a company-managed password "
            "manager, so every system gets a long, unique password and shared "
            "credentials are handed out securely."
        ),
        "why_it_matters": (
            "People reuse passwords across sites, and breaches of unrelated websites "
            "expose them. A password manager makes unique passwords effortless and "
            "lets the company revoke shared access when someone leaves."
        ),
        "consequences": (
            "A password leaked from a personal shopping site can be reused to open "
            "company systems, and shared passwords kept in spreadsheets remain "
            "usable by former employees."
        ),
        "default_likelihood": 3,
        "default_impact": 3,
        "nist_csf": "PR.AA-01",
        "cis_controls": "5.2",
    },
    {
        "code": "IAM-OFFBOARDING",
        "title": "Same-day access removal when people leave",
        "category": "identity",
        "description": (
            "A documented checklist, triggered by HR, disables a departing person's "
            "accounts, remote access, shared passwords and devices on their last "
            "day, and records that it was done."
        ),
        "why_it_matters": (
            "Accounts of former staff and contractors are often forgotten and stay "
            "active for months. They are an easy way in for a disgruntled former "
            "employee or for anyone who obtains the old password."
        ),
        "consequences": (
            "A former employee could copy client lists or confidential files, delete "
            "data, or keep reading mailboxes after leaving, exposing the business "
            "to lost customers, lawsuits and privacy complaints."
        ),
        "default_likelihood": 3,
        "default_impact": 4,
        "nist_csf": "PR.AA-01, PR.AA-05, GV.RR-04",
        "cis_controls": "5.3, 6.2",
    },
    # --- data protection ------------------------------------------------------
    {
        "code": "BCK-OFFSITE",
        "title": "Offsite, immutable backups of business data",
        "category": "data_protection",
        "description": (
            "Servers and business data are backed up automatically every day to a "
            "separate location, in a form that cannot be altered or deleted for a "
            "set period, even by an administrator."
        ),
        "why_it_matters": (
            "Ransomware gangs look for backups and destroy them before encrypting "
            "everything else. A copy that is offsite and locked against deletion is "
            "what lets a business recover without paying."
        ),
        "consequences": (
            "After a ransomware attack, fire or hardware failure the business may "
            "have no way to get its data back, facing a ransom demand, weeks of "
            "downtime or permanent loss of records."
        ),
        "default_likelihood": 4,
        "default_impact": 5,
        "nist_csf": "PR.DS-11",
        "cis_controls": "11.2, 11.3, 11.4",
    },
    {
        "code": "BCK-RESTORE-TEST",
        "title": "Regular, documented restore tests",
        "category": "data_protection",
        "description": (
            "At least every quarter the MSP restores a sample of files and at least "
            "one complete system from backup, measures how long it takes, and "
            "records the result."
        ),
        "why_it_matters": (
            "Backups fail silently: jobs skip files, media degrades and settings "
            "drift. Only an actual restore proves the data can come back, and how "
            "quickly."
        ),
        "consequences": (
            "The business may discover during a crisis that its backups are "
            "incomplete or take days to restore, turning a recoverable incident "
            "into prolonged downtime or permanent data loss."
        ),
        "default_likelihood": 3,
        "default_impact": 5,
        "nist_csf": "PR.DS-11, RC.RP-03",
        "cis_controls": "11.1, 11.5",
    },
    {
        "code": "BCK-SAAS",
        "title": "Backup of Microsoft 365 and other cloud applications",
        "category": "data_protection",
        "description": (
            "Email, OneDrive, SharePoint and Teams data, and other important cloud "
            "applications, are copied to an independent backup service with its "
            "own retention."
        ),
        "why_it_matters": (
            "Cloud providers keep their service running but do not promise to "
            "recover data your users or an attacker deleted or encrypted. Their "
            "recycle bins are short and easy to empty."
        ),
        "consequences": (
            "Mailboxes and shared files lost to a mistake, a malicious insider or "
            "a compromised account may be unrecoverable, including records you are "
            "legally required to keep."
        ),
        "default_likelihood": 3,
        "default_impact": 4,
        "nist_csf": "PR.DS-11",
        "cis_controls": "11.2, 11.3",
    },
    {
        "code": "DAT-CLASSIFY-RETAIN",
        "title": "Data classification and retention schedule",
        "category": "data_protection",
        "description": (
            "The business labels its information by sensitivity (for example "
            "public, internal, confidential), decides how long each kind is kept, "
            "and securely deletes it when that time is up."
        ),
        "why_it_matters": (
            "You cannot protect data you have not identified, and data kept longer "
            "than needed only adds to what can be stolen. Privacy laws also expect "
            "personal information to be kept no longer than necessary."
        ),
        "consequences": (
            "A breach exposes years of old customer and employee records that "
            "should have been deleted, enlarging notification costs, regulatory "
            "penalties and reputational damage."
        ),
        "default_likelihood": 2,
        "default_impact": 3,
        "nist_csf": "ID.AM-07, ID.AM-08",
        "cis_controls": "3.1, 3.4, 3.5, 3.7",
    },
    {
        "code": "DAT-DISK-ENC",
        "title": "Full-disk encryption on laptops and portable media",
        "category": "data_protection",
        "description": (
            "Laptops, desktops and USB drives that hold company data are encrypted, "
            "so their contents are unreadable without the user's sign-in."
        ),
        "why_it_matters": (
            "Laptops get lost and stolen. With encryption a lost device is only a "
            "hardware cost; without it, every file and saved password on it is "
            "exposed."
        ),
        "consequences": (
            "A single stolen laptop can trigger a reportable privacy breach, with "
            "notification costs, regulator scrutiny and loss of client trust."
        ),
        "default_likelihood": 2,
        "default_impact": 4,
        "nist_csf": "PR.DS-01",
        "cis_controls": "3.6, 3.9, 3.11",
    },
    # --- endpoint -------------------------------------------------------------
    {
        "code": "END-EDR",
        "title": "Endpoint detection and response (EDR) on all devices",
        "category": "endpoint",
        "description": (
            "Every computer and server runs a managed security agent that watches "
            "for suspicious behaviour, blocks known attacks and lets the MSP "
            "isolate an infected device remotely."
        ),
        "why_it_matters": (
            "Traditional antivirus misses most modern attacks, which use legitimate "
            "tools and never drop a known virus. EDR catches the behaviour and "
            "allows a response in minutes instead of days."
        ),
        "consequences": (
            "An intruder can move through the network unnoticed for weeks, steal "
            "data and then encrypt every system, causing extended downtime and a "
            "ransom demand."
        ),
        "default_likelihood": 4,
        "default_impact": 5,
        "nist_csf": "DE.CM-09, RS.MI-01",
        "cis_controls": "10.1, 10.2, 13.2",
    },
    {
        "code": "END-PATCH-SLA",
        "title": "Security updates applied within a defined time limit",
        "category": "endpoint",
        "description": (
            "Operating systems and applications receive security updates on an "
            "agreed schedule: critical fixes within days, everything else within a "
            "month, with exceptions tracked."
        ),
        "why_it_matters": (
            "Attackers start exploiting published weaknesses within days of a fix "
            "being released. Prompt patching closes the door before it is used."
        ),
        "consequences": (
            "Unpatched systems can be taken over by automated attacks without any "
            "user doing anything wrong, leading to ransomware, data theft and "
            "downtime."
        ),
        "default_likelihood": 4,
        "default_impact": 4,
        "nist_csf": "ID.RA-01, PR.PS-02",
        "cis_controls": "7.2, 7.3, 7.4, 7.7",
    },
    {
        "code": "END-MDM",
        "title": "Mobile device management for phones and tablets",
        "category": "endpoint",
        "description": (
            "Phones and tablets that access company email or files are enrolled in "
            "a management service that enforces a screen lock and encryption and "
            "can wipe company data remotely."
        ),
        "why_it_matters": (
            "Mobile devices carry the same email and files as laptops but are lost "
            "far more often. Management keeps company data under company control, "
            "including on personal phones."
        ),
        "consequences": (
            "A lost or stolen phone, or one kept by a departed employee, can keep "
            "giving access to email and client files with no way to remove it."
        ),
        "default_likelihood": 2,
        "default_impact": 3,
        "nist_csf": "PR.PS-01, PR.DS-01",
        "cis_controls": "4.10, 4.11, 4.12",
    },
    {
        "code": "END-APP-ALLOWLIST",
        "title": "Application allow-listing",
        "category": "endpoint",
        "description": (
            "Computers run only software the business has approved; anything else, "
            "including unknown programs and scripts, is blocked until reviewed."
        ),
        "why_it_matters": (
            "Most malware needs to run a program the business never intended to "
            "install. Blocking unapproved software stops it at that step, and "
            "also prevents unlicensed or risky tools."
        ),
        "consequences": (
            "Malicious or unvetted software can run freely, leading to infection, data leakage and licensing liability."
        ),
        "default_likelihood": 2,
        "default_impact": 4,
        "nist_csf": "PR.PS-05",
        "cis_controls": "2.5, 2.6, 2.7",
    },
    {
        "code": "END-LOCAL-ADMIN",
        "title": "Remove local administrator rights from everyday users",
        "category": "endpoint",
        "description": (
            "Staff use their computers without administrator rights; software "
            "installs and changes go through the MSP, and each device's built-in "
            "admin password is unique and rotated."
        ),
        "why_it_matters": (
            "Most malicious software needs admin rights to install itself, disable "
            "protection or spread. Without those rights, many attacks simply fail."
        ),
        "consequences": (
            "A single infected laptop can become a launching point for attacks on "
            "the rest of the network, and users can install unlicensed or "
            "malicious software unnoticed."
        ),
        "default_likelihood": 3,
        "default_impact": 4,
        "nist_csf": "PR.AA-05, PR.PS-05",
        "cis_controls": "5.4",
    },
    {
        "code": "END-SECURE-BASELINE",
        "title": "Secure configuration baselines",
        "category": "endpoint",
        "description": (
            "Computers, servers and network devices are set up from a documented, "
            "hardened standard: unnecessary services turned off, default passwords "
            "changed, and settings checked for drift."
        ),
        "why_it_matters": (
            "Systems out of the box favour convenience over safety. A consistent "
            "baseline removes easy weaknesses and makes problems easier to spot."
        ),
        "consequences": (
            "Default settings and forgotten services give attackers easy entry "
            "points, and inconsistent systems take longer to fix during an "
            "incident."
        ),
        "default_likelihood": 2,
        "default_impact": 3,
        "nist_csf": "PR.PS-01",
        "cis_controls": "4.1, 4.7, 4.8",
    },
    # --- network --------------------------------------------------------------
    {
        "code": "NET-FW-VPN",
        "title": "Firewall and remote access (VPN) hygiene",
        "category": "network",
        "description": (
            "Firewalls and VPN gateways run supported, up-to-date firmware, expose "
            "only the services the business needs, require MFA for remote access, "
            "and their rules are reviewed at least yearly."
        ),
        "why_it_matters": (
            "Internet-facing firewalls and VPNs are among the most attacked "
            "devices, and flaws in them are exploited within days. Old rules and "
            "open ports accumulate over time."
        ),
        "consequences": (
            "An outdated or misconfigured firewall can let attackers straight into "
            "the internal network, a frequent starting point for ransomware and "
            "data theft."
        ),
        "default_likelihood": 3,
        "default_impact": 5,
        "nist_csf": "PR.IR-01, PR.PS-01, PR.PS-02",
        "cis_controls": "4.2, 4.5, 12.1, 12.7",
    },
    {
        "code": "NET-SEGMENT",
        "title": "Network segmentation",
        "category": "network",
        "description": (
            "The network is divided into separate zones, for example staff "
            "computers, servers, phones and printers, and guests, with traffic "
            "between them limited to what is needed."
        ),
        "why_it_matters": (
            "On a flat network one infected device can reach every other one. "
            "Segmentation contains an incident to a small area and protects the "
            "most valuable systems."
        ),
        "consequences": (
            "An infection on a printer, camera or single laptop can spread to every "
            "server, turning a small incident into a company-wide outage."
        ),
        "default_likelihood": 2,
        "default_impact": 4,
        "nist_csf": "PR.IR-01",
        "cis_controls": "3.12, 12.2, 13.4",
    },
    {
        "code": "NET-WIFI",
        "title": "Secure Wi-Fi with a separate guest network",
        "category": "network",
        "description": (
            "Office Wi-Fi uses current encryption and individual or regularly "
            "changed credentials, and visitors use a guest network that cannot "
            "reach company systems."
        ),
        "why_it_matters": (
            "A shared Wi-Fi password that never changes is known to former staff, "
            "visitors and neighbours. Anyone on the staff network can reach "
            "internal systems."
        ),
        "consequences": (
            "Someone in the parking lot or a former employee could join the "
            "network and reach files, printers and servers without anyone "
            "noticing."
        ),
        "default_likelihood": 2,
        "default_impact": 3,
        "nist_csf": "PR.IR-01, PR.DS-02",
        "cis_controls": "12.2, 12.6",
    },
    {
        "code": "NET-DNS-FILTER",
        "title": "DNS and web filtering",
        "category": "network",
        "description": (
            "A filtering service checks every website a device tries to reach, in "
            "the office and away, and blocks known malicious and fraudulent sites."
        ),
        "why_it_matters": (
            "Most attacks need to reach a malicious website, either to trick the "
            "user or to download more malware. Blocking those sites stops many "
            "attacks early and cheaply."
        ),
        "consequences": (
            "Staff can land on fake login pages and infected sites, leading to stolen passwords, malware and fraud."
        ),
        "default_likelihood": 3,
        "default_impact": 3,
        "nist_csf": "PR.IR-01, DE.CM-01",
        "cis_controls": "9.2, 9.3",
    },
    # --- email ----------------------------------------------------------------
    {
        "code": "EML-FILTER",
        "title": "Advanced email filtering",
        "category": "email",
        "description": (
            "Incoming email passes through a filtering service that removes spam, "
            "malicious attachments and dangerous links, and flags impersonation "
            "attempts before they reach the inbox."
        ),
        "why_it_matters": (
            "Email is the most common way attacks reach staff. Each message stopped "
            "by the filter is one that nobody has to judge correctly."
        ),
        "consequences": (
            "Malicious attachments and fake invoices reach staff every day, "
            "raising the chance of ransomware, stolen passwords and fraudulent "
            "payments."
        ),
        "default_likelihood": 4,
        "default_impact": 4,
        "nist_csf": "DE.CM-09",
        "cis_controls": "9.6, 9.7",
    },
    {
        "code": "EML-DMARC",
        "title": "Email domain protection (SPF, DKIM, DMARC)",
        "category": "email",
        "description": (
            "The company's email domain publishes records that tell receiving "
            "mail systems which senders are genuine, and asks them to reject "
            "messages that only pretend to come from you."
        ),
        "why_it_matters": (
            "Without these records anyone can send email that appears to come "
            "from your domain. Major mail providers also increasingly reject or "
            "junk mail from domains that lack them."
        ),
        "consequences": (
            "Criminals can send convincing fake invoices to your customers in your "
            "name, and your own legitimate email may land in spam or be refused."
        ),
        "default_likelihood": 3,
        "default_impact": 3,
        "nist_csf": "PR.AA-03, PR.DS-02",
        "cis_controls": "9.5",
    },
    # --- people ---------------------------------------------------------------
    {
        "code": "PPL-AWARENESS",
        "title": "Security awareness training",
        "category": "people",
        "description": (
            "All staff complete short security training when they join and at "
            "least once a year, covering phishing, passwords, fraud and how to "
            "report something suspicious."
        ),
        "why_it_matters": (
            "Most successful attacks start by fooling a person. Staff who know the "
            "warning signs and feel safe reporting mistakes are an early warning "
            "system."
        ),
        "consequences": (
            "Staff are more likely to open malicious attachments, give away "
            "passwords or act on fake payment requests, and to hide a mistake "
            "instead of reporting it."
        ),
        "default_likelihood": 4,
        "default_impact": 3,
        "nist_csf": "PR.AT-01",
        "cis_controls": "14.1, 14.2, 14.3",
    },
    {
        "code": "PPL-PHISH-SIM",
        "title": "Simulated phishing exercises",
        "category": "people",
        "description": (
            "The MSP periodically sends realistic but harmless phishing emails to "
            "staff, offers a short lesson to anyone who clicks, and reports the "
            "trend to management."
        ),
        "why_it_matters": (
            "Practice builds the habit of pausing before clicking, and the results "
            "show management where extra training is needed."
        ),
        "consequences": (
            "The business has no measure of how easily its staff are fooled, and the first real test is a live attack."
        ),
        "default_likelihood": 3,
        "default_impact": 3,
        "nist_csf": "PR.AT-01",
        "cis_controls": "14.2, 14.6",
    },
    {
        "code": "PPL-PAYMENT-VERIFY",
        "title": "Call-back verification of payment and banking changes",
        "category": "people",
        "description": (
            "Any request to change a supplier's bank details, or to make an urgent "
            "or unusual payment, is confirmed by phone using a number already on "
            "file, never one supplied in the request."
        ),
        "why_it_matters": (
            "Fraudsters impersonate executives and suppliers by email to redirect "
            "payments, and these messages often come from real, compromised "
            "accounts. A simple call-back defeats them."
        ),
        "consequences": (
            "A single fraudulent transfer can cost tens or hundreds of thousands "
            "of dollars, is rarely recovered, and is often excluded from insurance "
            "when no verification was done."
        ),
        "default_likelihood": 4,
        "default_impact": 4,
        "nist_csf": "PR.AT-01",
        "cis_controls": "14.2",
    },
    # --- operations -----------------------------------------------------------
    {
        "code": "OPS-LOG-MONITOR",
        "title": "Centralised logging and security monitoring",
        "category": "operations",
        "description": (
            "Sign-in, firewall, server and cloud activity logs are collected in one "
            "place, kept for at least a year, and watched for suspicious activity "
            "with alerts to the MSP."
        ),
        "why_it_matters": (
            "Attackers are often inside for weeks before they strike. Monitored "
            "logs make it possible to catch them early and, afterwards, to show "
            "what was accessed."
        ),
        "consequences": (
            "An intrusion may go unnoticed until the damage is done, and without "
            "logs the business cannot tell what was taken, often forcing it to "
            "notify everyone as if all data were stolen."
        ),
        "default_likelihood": 3,
        "default_impact": 4,
        "nist_csf": "PR.PS-04, DE.CM-01, DE.CM-09, DE.AE-03",
        "cis_controls": "8.2, 8.9, 8.10, 8.11, 13.1",
    },
    {
        "code": "OPS-VULN-SCAN",
        "title": "Regular vulnerability scanning",
        "category": "operations",
        "description": (
            "Internal systems and everything exposed to the internet are scanned "
            "automatically at least monthly for missing updates and weak settings, "
            "and findings are fixed by priority."
        ),
        "why_it_matters": (
            "Scanning finds the weaknesses attackers look for before they do, "
            "including forgotten systems and devices that patching missed."
        ),
        "consequences": (
            "Exploitable weaknesses stay open without anyone knowing, until an attacker finds them first."
        ),
        "default_likelihood": 3,
        "default_impact": 4,
        "nist_csf": "ID.RA-01",
        "cis_controls": "7.1, 7.5, 7.6",
    },
    {
        "code": "OPS-ASSET-INVENTORY",
        "title": "Hardware and software asset inventory",
        "category": "operations",
        "description": (
            "An up-to-date list of every computer, server, network device, cloud "
            "service and installed application, with its owner and location, is "
            "maintained automatically."
        ),
        "why_it_matters": (
            "Devices and services that nobody knows about are never patched, "
            "backed up or monitored. The inventory is the foundation for every "
            "other control."
        ),
        "consequences": (
            "Forgotten devices and unofficial cloud services become unprotected "
            "entry points, and an incident takes longer to contain because nobody "
            "knows what exists."
        ),
        "default_likelihood": 2,
        "default_impact": 3,
        "nist_csf": "ID.AM-01, ID.AM-02",
        "cis_controls": "1.1, 1.2, 2.1",
    },
    {
        "code": "OPS-EOL-REPLACE",
        "title": "Replace end-of-life hardware and software",
        "category": "operations",
        "description": (
            "Computers, servers, network devices and software that no longer "
            "receive security updates from their maker are replaced or isolated "
            "on a planned, budgeted schedule."
        ),
        "why_it_matters": (
            "Once a product reaches end of life, new weaknesses in it are never "
            "fixed, and attackers know it. No amount of other protection fully "
            "compensates."
        ),
        "consequences": (
            "Unsupported systems can be compromised through weaknesses that will "
            "never be fixed, and insurers and regulators may treat running them as "
            "negligence after a breach."
        ),
        "default_likelihood": 3,
        "default_impact": 4,
        "nist_csf": "ID.AM-08, PR.PS-02, PR.PS-03",
        "cis_controls": "1.1, 2.2",
    },
    # --- governance -----------------------------------------------------------
    {
        "code": "GOV-IR-PLAN",
        "title": "Incident response plan, tested yearly",
        "category": "governance",
        "description": (
            "A written plan says who decides what during a cyber incident: whom to "
            "call, how to contain it, when to notify clients, insurers and "
            "regulators. It is rehearsed at least once a year."
        ),
        "why_it_matters": (
            "The first hours of an incident decide how bad it gets. A rehearsed "
            "plan avoids panic, lost evidence and missed legal deadlines."
        ),
        "consequences": (
            "A confused response can prolong downtime, destroy the evidence "
            "insurers need, and miss breach-notification deadlines, adding fines "
            "to the cost of the incident."
        ),
        "default_likelihood": 3,
        "default_impact": 4,
        "nist_csf": "ID.IM-04, RS.MA-01",
        "cis_controls": "17.1, 17.4, 17.7",
    },
    {
        "code": "GOV-BCP",
        "title": "Business continuity and disaster recovery plan",
        "category": "governance",
        "description": (
            "The business has decided how long it can be without each key system "
            "and how much data it can afford to lose, and has a written plan to "
            "keep operating and recover within those limits."
        ),
        "why_it_matters": (
            "Fire, flood, a long power cut or a cyber attack can close the office "
            "or the systems for days. A plan agreed in advance turns a crisis into "
            "a set of known steps."
        ),
        "consequences": (
            "An outage lasts longer than the business can afford, customers go "
            "elsewhere and contractual deadlines are missed."
        ),
        "default_likelihood": 2,
        "default_impact": 4,
        "nist_csf": "GV.OC-04, ID.IM-04, RC.RP-01",
        "cis_controls": "11.1",
    },
    {
        "code": "GOV-CYBER-INSURANCE",
        "title": "Cyber liability insurance",
        "category": "governance",
        "description": (
            "The business holds a cyber insurance policy sized to its risk, "
            "covering incident response, business interruption, ransom "
            "negotiation, legal costs and third-party claims."
        ),
        "why_it_matters": (
            "Even well-protected businesses get breached, and recovery costs can "
            "exceed a small firm's reserves. Insurance also gives access to expert "
            "responders within hours."
        ),
        "consequences": (
            "The full cost of an incident, including forensics, lawyers, lost "
            "revenue and client claims, falls on the business and can threaten "
            "its survival."
        ),
        "default_likelihood": 2,
        "default_impact": 4,
        "nist_csf": "GV.RM-04",
        "cis_controls": "17.2",
    },
    # --- vendor ---------------------------------------------------------------
    {
        "code": "VND-REMOTE-ACCESS",
        "title": "Controlled remote access for third-party vendors",
        "category": "vendor",
        "description": (
            "Software vendors and other outside support connect only through an "
            "approved, logged method with their own named accounts and MFA, and "
            "access is enabled only when needed."
        ),
        "why_it_matters": (
            "Always-on vendor remote tools with shared passwords are a favourite "
            "entry point for attackers, and a breach at the vendor becomes a "
            "breach at your business."
        ),
        "consequences": (
            "An attacker who compromises a vendor can reach your systems directly, "
            "deploy ransomware or steal data, and there may be no record of who "
            "connected."
        ),
        "default_likelihood": 3,
        "default_impact": 5,
        "nist_csf": "GV.SC-07, PR.AA-05, DE.CM-06",
        "cis_controls": "6.4, 15.4, 15.6",
    },
    {
        "code": "VND-DUE-DILIGENCE",
        "title": "Security review of key suppliers",
        "category": "vendor",
        "description": (
            "Before signing with a supplier that will hold company data or connect "
            "to company systems, the business checks its security practices and "
            "puts security and breach-notification terms in the contract."
        ),
        "why_it_matters": (
            "Your data is only as safe as the weakest supplier that holds it, and "
            "your clients and regulators will still hold you responsible."
        ),
        "consequences": (
            "A breach at a supplier can expose your clients' data with no "
            "contractual right to be told promptly or to recover your costs."
        ),
        "default_likelihood": 2,
        "default_impact": 3,
        "nist_csf": "GV.SC-04, GV.SC-05, GV.SC-06",
        "cis_controls": "15.1, 15.2, 15.4, 15.5",
    },
)
