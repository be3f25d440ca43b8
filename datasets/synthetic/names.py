"""Word lists for synthetic organisations: people's names, functions, titles, sites and channels.

Everything here is invented or generic; nothing describes a real company or person.

Examples
--------
>>> len(FIRST_NAMES) * len(LAST_NAMES) > 20_000
True
>>> SITES[0][0]
'London'
"""

from __future__ import annotations

__all__ = [
    "COMMUNITY_TOPICS",
    "COMPANY_NAMES",
    "FAMILIES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "REGION_SUFFIXES",
    "SITES",
    "TEAM_WORDS",
    "Family",
    "slug",
]

from typing import NamedTuple

FIRST_NAMES: tuple[str, ...] = (
    "Aaliyah", "Aaron", "Abdul", "Ada", "Adam", "Adrian", "Agnes", "Ahmed", "Aiko", "Aisha",
    "Akira", "Alan", "Alba", "Alejandro", "Alex", "Alice", "Amara", "Amelia", "Amir", "Ana",
    "Andre", "Andrea", "Anika", "Anna", "Anton", "Arjun", "Astrid", "Ava", "Ayodele", "Beatriz",
    "Ben", "Bianca", "Bilal", "Bruno", "Camila", "Carlos", "Carmen", "Catherine", "Chen", "Chidi",
    "Chloe", "Clara", "Daniel", "Daria", "David", "Deepa", "Diego", "Dmitri", "Elena", "Eli",
    "Elif", "Emeka", "Emil", "Emma", "Erik", "Esther", "Ethan", "Fatima", "Felix", "Fernando",
    "Fiona", "Freya", "Gabriel", "Grace", "Hana", "Hannah", "Hassan", "Helena", "Hiroshi", "Hugo",
    "Ibrahim", "Ingrid", "Irene", "Isaac", "Isabel", "Ivan", "Jack", "Jamal", "James", "Jana",
    "Javier", "Jin", "Joao", "Johan", "Jonas", "Jose", "Julia", "Kai", "Kamala", "Karim",
    "Karin", "Kenji", "Kofi", "Lara", "Laura", "Leila", "Leo", "Liam", "Lina", "Lucas",
    "Lucia", "Luis", "Maya", "Mariam", "Marco", "Maria", "Mateo", "Mei", "Mia", "Mikael",
    "Mohammed", "Nadia", "Naomi", "Nia", "Nikhil", "Nina", "Noah", "Nora", "Olga", "Oliver",
    "Omar", "Oscar", "Paulo", "Pedro", "Priya", "Rafael", "Rahul", "Ravi", "Rosa", "Ruth",
    "Sakura", "Samuel", "Sara", "Sebastian", "Sofia", "Sven", "Tariq", "Thomas", "Tomas", "Uma",
    "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zainab", "Zara", "Zoe", "Ines", "Kwame",
)

LAST_NAMES: tuple[str, ...] = (
    "Abara", "Adeyemi", "Ahmed", "Ali", "Almeida", "Andersen", "Bakker", "Banerjee", "Becker", "Berg",
    "Bianchi", "Brown", "Campbell", "Carvalho", "Castro", "Chen", "Choi", "Clarke", "Costa", "Cruz",
    "Dahl", "Das", "Davies", "Dubois", "Dutta", "Edwards", "Eriksson", "Evans", "Fernandez", "Fischer",
    "Fontaine", "Garcia", "Ghosh", "Gomez", "Gonzalez", "Gupta", "Haddad", "Hansen", "Harris", "Hoffmann",
    "Hughes", "Hussain", "Ibrahim", "Ito", "Iyer", "Jansen", "Johansson", "Johnson", "Jones", "Kaur",
    "Khan", "Kim", "Kowalski", "Kumar", "Lambert", "Larsen", "Laurent", "Lee", "Lewis", "Li",
    "Lima", "Lopez", "Lund", "Martin", "Martinez", "Mehta", "Meyer", "Mendes", "Morales", "Moreau",
    "Muller", "Murphy", "Nakamura", "Nguyen", "Nielsen", "Novak", "Nowak", "Obi", "Okafor", "Okonkwo",
    "Olsen", "Ortiz", "Osei", "Park", "Patel", "Pereira", "Petrov", "Popescu", "Quinn", "Rahman",
    "Ramos", "Rao", "Reddy", "Reyes", "Richter", "Rivera", "Roberts", "Rodriguez", "Rossi", "Russo",
    "Saito", "Sanchez", "Santos", "Schmidt", "Schneider", "Shah", "Sharma", "Silva", "Singh", "Smith",
    "Sousa", "Suzuki", "Svensson", "Takahashi", "Tanaka", "Taylor", "Thomas", "Torres", "Tran", "Turner",
    "Van Dijk", "Vargas", "Verma", "Vogel", "Volkov", "Walker", "Wang", "Watanabe", "Weber", "Williams",
    "Wilson", "Wong", "Wright", "Wu", "Yamamoto", "Yang", "Yilmaz", "Young", "Zhang", "Zhou",
    "Achterberg", "Bergstrom", "Cardoso", "Delgado", "Engel", "Farah", "Galloway", "Holm", "Iqbal", "Jovanovic",
)


class Family(NamedTuple):
    """A job family: a division's function, its departments and the titles people hold in it."""

    name: str
    areas: tuple[str, ...]
    title: str
    lead_title: str


FAMILIES: tuple[Family, ...] = (
    Family("Engineering", ("Platform", "Payments", "Mobile", "Web", "Data Engineering", "Infrastructure",
                           "Security", "Developer Tools", "Search", "Identity", "Reliability", "Quality"),
           "Software Engineer", "Engineering Manager"),
    Family("Sales", ("Enterprise Sales", "Mid-Market Sales", "Sales Operations", "Partnerships",
                     "Inside Sales", "Sales Engineering"),
           "Account Executive", "Sales Manager"),
    Family("Product", ("Product Management", "Design", "User Research", "Growth", "Analytics"),
           "Product Manager", "Group Product Manager"),
    Family("Customer Success", ("Customer Support", "Customer Success", "Onboarding", "Technical Support",
                                "Professional Services"),
           "Customer Success Specialist", "Support Manager"),
    Family("Marketing", ("Brand", "Content", "Demand Generation", "Product Marketing", "Events",
                         "Communications"),
           "Marketing Specialist", "Marketing Manager"),
    Family("Operations", ("Logistics", "Facilities", "Supply Chain", "Manufacturing", "Quality Assurance",
                          "Procurement"),
           "Operations Specialist", "Operations Manager"),
    Family("Finance", ("Accounting", "Financial Planning", "Treasury", "Tax", "Payroll", "Audit"),
           "Financial Analyst", "Finance Manager"),
    Family("People", ("Talent Acquisition", "HR Business Partners", "Learning and Development",
                      "Compensation and Benefits", "Workplace Experience"),
           "People Partner", "HR Manager"),
    Family("Research", ("Applied Research", "Data Science", "Machine Learning", "Research Operations"),
           "Research Scientist", "Research Manager"),
    Family("IT", ("IT Support", "Enterprise Applications", "Networks", "End-User Computing"),
           "Systems Engineer", "IT Manager"),
    Family("Legal", ("Legal", "Compliance", "Privacy", "Risk"),
           "Legal Counsel", "Legal Manager"),
)

#: Added to a division or department name when the same function appears again.
REGION_SUFFIXES: tuple[str, ...] = ("EMEA", "Americas", "APAC", "North", "South", "East", "West", "Central")

#: (city, UTC offset in hours); the first is headquarters. Offsets ignore daylight saving.
SITES: tuple[tuple[str, float], ...] = (
    ("London", 0.0), ("New York", -5.0), ("Berlin", 1.0), ("Bangalore", 5.5), ("San Francisco", -8.0),
    ("Singapore", 8.0), ("Sao Paulo", -3.0), ("Sydney", 10.0), ("Toronto", -5.0), ("Dublin", 0.0),
)

TEAM_WORDS: tuple[str, ...] = (
    "Falcon", "Orion", "Atlas", "Comet", "Harbor", "Summit", "Pioneer", "Nova", "Cedar", "Delta",
    "Ember", "Fjord", "Granite", "Horizon", "Iris", "Juniper", "Kestrel", "Lumen", "Maple", "Nimbus",
    "Onyx", "Prism", "Quartz", "Raven", "Sierra", "Tundra", "Umber", "Vega", "Willow", "Zephyr",
    "Aurora", "Beacon", "Cobalt", "Dune", "Echo", "Flint", "Glacier", "Helix", "Indigo", "Jade",
)

COMMUNITY_TOPICS: tuple[str, ...] = (
    "running", "book-club", "parents", "python-guild", "sustainability", "photography", "women-in-tech",
    "cycling", "mentoring", "accessibility", "cooking", "pride", "music", "volunteering", "gaming",
    "wellbeing", "data-guild", "design-guild", "language-exchange", "gardening", "hiking", "chess",
    "coffee", "innovation", "lean-practices", "public-speaking", "early-careers", "veterans", "film",
    "yoga",
)

COMPANY_NAMES: tuple[str, ...] = (
    "Brightwater", "Kestrelworks", "Larchmont", "Northvale", "Silverpine", "Tidewell", "Ambergate",
    "Bluecrest", "Fernhollow", "Oakhaven",
)


def slug(text: str) -> str:
    """Turn a name into a lowercase channel-style slug.

    Examples
    --------
    >>> slug("Learning and Development EMEA")
    'learning-and-development-emea'
    """
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p)
