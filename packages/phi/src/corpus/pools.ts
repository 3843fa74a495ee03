// Value pools for the synthetic corpus. Written by hand, independent of the detector's
// lexicons (data/), with many names and places the lexicons do not hold, so the score
// measures generalisation rather than recall of the lexicon. All values are invented or
// public place names; no real patient data.

const w = (s: string): readonly string[] =>
  s
    .trim()
    .split(/\s*\|\s*|\s{2,}|\n\s*/)
    .filter(Boolean);

export const FIRST_COMMON = w(`
  Maria | Jessica | Michael | Ashley | Christopher | Jennifer | Matthew | Amanda | Joshua | Brittany
  Daniel | Stephanie | David | Nicole | Andrew | Melissa | Tyler | Heather | Brandon | Kayla
  Jonathan | Samantha | Kevin | Rachel | Justin | Lauren | Robert | Megan | Anthony | Danielle
  Eric | Courtney | Travis | Kimberly | Dustin | Tiffany | Marcus | Vanessa | Derek | Natalie
  Caleb | Madison | Ethan | Olivia | Logan | Chloe | Noah | Abigail | Elijah | Harper
  Gabriel | Savannah | Isaac | Brianna | Dominic | Jasmine | Carlos | Alejandra | Luis | Gabriela
  Jorge | Yesenia | Miguel | Marisol | Terrence | Latoya | Darnell | Keisha | Tremaine | Shaniqua
  Patricia | Linda | Barbara | Susan | Donna | Carol | Gary | Larry | Dennis | Wayne
  Emily | Hannah | Sophia | Aiden | Jackson | Brayden | Kaitlyn | Destiny | Trinity | Jada
`);

export const FIRST_INTL = w(`
  Oluwaseun | Chinonso | Thandiwe | Linh | Thao | Hiroshi | Yuki | Priya | Aarav | Ishaan
  Anjali | Fatima | Omar | Yusuf | Leila | Siobhan | Niamh | Aoife | Bogdan | Katarzyna
  Małgorzata | Zeynep | Emre | Mateus | João | Thiago | Ximena | Itzel | Guadalupe | Xiomara
  Nkechi | Adaeze | Kwame | Abena | Tenzin | Pema | Keanu | Leilani | Kalani | Ngozi
  Dmitri | Svetlana | Anastasiya | Olumide | Babajide | Wanjiru | Njeri | Tariq | Rashida | Jiho
  Minseo | Seojun | Haruto | Sakura | Ravi | Lakshmi | Sunita | Deepak | Rahul | Bích
  Oksana | Yevgenia | Radu | Ioana | Soren | Astrid | Eamon | Ciaran | Marguerite | Florin
  Kofi | Ama | Zanele | Sipho | Amara | Nadia | Yaretzi | Anahí | Tupac | Nayeli
`);

/** First names that are also ordinary words (DOMAIN.md pitfalls). */
export const FIRST_WORDS = w(`
  Hope | Faith | Joy | Will | Grace | Rich | Mark | Bill | April | May | June | Summer | Dawn
  Rose | Hunter | Chase | Sunny | Autumn | Harmony | Angel | Crystal | Misty | Sandy | Drew
  Guy | Miles | Patience | Honor | Page | Star
`);

export const SURNAMES_COMMON = w(`
  Lopez | Smith | Johnson | Williams | Garcia | Martinez | Rodriguez | Hernandez | Davis | Miller
  Wilson | Anderson | Thomas | Taylor | Moore | Jackson | Martin | Thompson | Robinson | Clark
  Ramirez | Lewis | Walker | Allen | Sanchez | Wright | Torres | Nguyen | Flores | Rivera
  Campbell | Mitchell | Roberts | Carter | Phillips | Evans | Turner | Parker | Collins | Edwards
  Stewart | Morris | Murphy | Cook | Rogers | Morgan | Peterson | Cooper | Reed | Bailey
  Kowalski | Schneider | Hoffman | Brennan | Gallagher | Delgado | Castillo | Vasquez | Guerrero | Mendoza
`);

export const SURNAMES_INTL = w(`
  Okafor | Adeyemi | Nwosu | Mensah | Owusu | Kowalczyk | Wiśniewski | Nowakowska | Papadopoulos | Haddad
  Khoury | Al-Sayed | Tanaka | Watanabe | Nakamura | Venkataraman | Subramanian | Raghunathan | Tran | Pham
  Oyelaran | Szymański | Gonçalves | Ferreira | Castellanos | Villalobos | Quispe | Mamani | Tshabalala | Dlamini
  Kariuki | Wanjiku | Abubakar | Yılmaz | Öztürk | Ivanova | Petrov | Horvath | Fitzgerald | O'Sullivan
  MacLeod | Okonkwo | Chukwuma | Balogun | Eze | Achterberg | Lindqvist | Bergström | Haugland | Castañeda
  Zelenko | Marchetti | Bianchi | Esposito | Kuznetsova | Takahashi | Hoang | Bui | Siddiqui | Chaudhry
`);

/** Surnames that are also ordinary words. */
export const SURNAMES_WORDS = w(`
  Baker | Green | Stone | Young | King | White | Brown | Hill | Wood | Price | Bell | Hall | Long
  Black | Fox | Sharp | Strong | Bird | Gray | Little | Church | Day | Moody | Frost | Rivers
`);

export const CLINICIAN_CREDENTIALS = w(
  `LCSW | LPC | LMFT | PsyD | PhD | MD | PMHNP-BC | LMHC | LICSW | NP | DO | LCADC`,
);

export const STREET_NAMES = w(`
  Maple | Oak | Cedar | Elm | Pine | Washington | Lincoln | Jefferson | Hillcrest | Sunset
  Riverside | Willow | Birch | Magnolia | Dogwood | Chestnut | Sycamore | Juniper | Laurel | Aspen
  Kingsley | Whitfield | Harrow | Quail Run | Fox Hollow | Old Mill | Meadowbrook | Tamarack | Larkspur | Brookside
  Martin Luther King Jr | Cherry Hill | Bayberry | Greenbriar | Stonegate | Wexford | Prairie View | Calloway | Ashbury | Rosewood
`);
export const STREET_TYPES = w(
  `Street | St | Avenue | Ave | Road | Rd | Drive | Dr | Lane | Ln | Court | Ct | Boulevard | Blvd | Way | Place | Terrace | Circle`,
);

/** [city, state, zip]: real US places (some share names with words or people) and a few invented towns. */
export const CITIES: ReadonlyArray<readonly [string, string, string]> = [
  ['Springfield', 'IL', '62704'],
  ['Dayton', 'OH', '45402'],
  ['Tacoma', 'WA', '98402'],
  ['Boise', 'ID', '83702'],
  ['Lawrence', 'KS', '66044'],
  ['Macon', 'GA', '31201'],
  ['Flagstaff', 'AZ', '86001'],
  ['Duluth', 'MN', '55802'],
  ['Bend', 'OR', '97701'],
  ['Asheville', 'NC', '28801'],
  ['Provo', 'UT', '84601'],
  ['Fresno', 'CA', '93721'],
  ['Scranton', 'PA', '18503'],
  ['Albany', 'NY', '12207'],
  ['Pueblo', 'CO', '81003'],
  ['Kenosha', 'WI', '53140'],
  ['Lafayette', 'LA', '70501'],
  ['Muncie', 'IN', '47305'],
  ['Bangor', 'ME', '04401'],
  ['Billings', 'MT', '59101'],
  ['Rapid City', 'SD', '57701'],
  ['Yakima', 'WA', '98901'],
  ['Odessa', 'TX', '79761'],
  ['Joplin', 'MO', '64801'],
  ['Ames', 'IA', '50010'],
  ['Hope', 'AR', '71801'],
  ['Normal', 'IL', '61761'],
  ['Mobile', 'AL', '36602'],
  ['Independence', 'MO', '64050'],
  ['Eureka', 'CA', '95501'],
  ['Chattanooga', 'TN', '37402'],
  ['Toledo', 'OH', '43604'],
  ['Worcester', 'MA', '01608'],
  ['New Haven', 'CT', '06510'],
  ['Santa Fe', 'NM', '87501'],
  ['Grand Rapids', 'MI', '49503'],
  ['Millbrook Falls', 'VT', '05602'],
  ['Harlow Springs', 'KY', '40701'],
  ['East Corinth', 'ME', '04427'],
  ['Pell Harbor', 'OR', '97365'],
];

export const COUNTIES = w(
  `Cook County | Marion County | Kanawha County | Yakima County | Erie County | Lane County | Hamilton County | Pima County`,
);
export const NEIGHBORHOODS = w(
  `Brightwood | Southgate | Eastwood Heights | Oak Park | Riverside Gardens | Fairview Estates | Cedar Hills`,
);

export const EMPLOYERS = w(`
  Brightline Logistics | Halvorsen Construction | Pinecrest Dental Group | Meridian Credit Union | Copperleaf Bakery
  Summit Ridge Hospital | Tri-County Plumbing | Bluewater Insurance | Keystone Warehousing Inc | Allied Freight Corp
  Larkin & Sons Roofing LLC | Northgate Diner | Redwood Staffing Solutions | Foxglove Salon | Evergreen Senior Living
`);
/** Employers named only by context ("works at Kroger"). */
export const EMPLOYERS_BARE = w(
  `Kroger | Walgreens | Costco | Starbucks | Chipotle | FedEx | Lowe's | Safeway | Meijer | Wegmans | Dunkin | Publix`,
);
export const SCHOOLS = w(`
  Roosevelt Elementary | Lincoln High School | Westview Middle School | Hawthorne Academy | Valley Community College
  Ridgeview High | St. Agnes School | University of Dayton | Jefferson Elementary School | Cascade Technical College
  Maplewood Montessori | Franklin Middle School
`);
export const CHURCHES = w(`
  St. Mark's Church | Grace Fellowship | New Hope Baptist Church | Temple Beth Shalom | First Methodist Church
  Holy Cross Parish | Iglesia Cristiana Nueva Vida | Living Waters Tabernacle | Our Lady of Guadalupe Church
`);
export const CLINICS = w(`
  Riverside Behavioral Health | Cedar Ridge Recovery Center | Northside Family Clinic | Harborview Medical Center
  Lakeshore Counseling Associates | Mercy Hospital | Bridgeway Crisis Center | Sunrise Pharmacy
`);
export const PETS = w(`Biscuit | Luna | Bella | Pepper | Ziggy | Mochi | Bruno | Cinnamon | Tank | Noodle`);
export const RELATIONS = w(
  `husband | wife | mother | father | son | daughter | sister | brother | boyfriend | girlfriend | partner | grandmother | aunt | cousin | roommate | best friend | sponsor | ex-husband | stepdad`,
);
export const PLANS = w(
  `Aetna | BlueCross BlueShield | Molina | Medicaid | UnitedHealthcare | Cigna | Tricare | Ambetter`,
);
