-- A realistic subscriber list for the leak attribution benchmark and tests:
-- names from skewed name tables, local parts made from them in the styles
-- real lists show (first.last, flast, first_last1987, nicknames with no
-- name, ...), providers in their usual shares and a long tail of company
-- domains, and other columns (status, source, score, country) with uneven
-- distributions. lk.person(g) makes row g (call it LATERAL, once per row).
CREATE SCHEMA IF NOT EXISTS lk;

CREATE FUNCTION lk.pick(items text[], r float8) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    -- Skewed: the first items are the most common (a Zipf-like draw).
    SELECT items[1 + floor(power(r, 1.6) * cardinality(items))::int]
$$;

CREATE FUNCTION lk.first_names() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['james','mary','john','patricia','robert','jennifer','michael','linda','william','elizabeth',
        'david','barbara','richard','susan','joseph','jessica','thomas','sarah','charles','karen','daniel','nancy',
        'matthew','lisa','anthony','betty','mark','sandra','donald','ashley','steven','emily','paul','donna',
        'andrew','michelle','joshua','carol','kenneth','amanda','kevin','melissa','brian','deborah','george',
        'laura','timothy','rebecca','ronald','sharon','jason','cynthia','edward','kathleen','jeffrey','anna','ryan',
        'shirley','jacob','angela','gary','helen','nicholas','emma','eric','brenda','jonathan','pamela','stephen',
        'nicole','larry','samantha','justin','katherine','scott','christine','brandon','debra','benjamin','rachel',
        'samuel','carolyn','gregory','janet','alexander','maria','patrick','olivia','frank','heather','raymond',
        'diane','jack','julie','dennis','joyce','jerry','victoria','tyler','ruth','aaron','virginia','jose','lauren',
        'adam','kelly','nathan','christina','henry','joan','zachary','evelyn','douglas','judith','peter','andrea',
        'kyle','hannah','noah','megan','ethan','cheryl','jeremy','jacqueline','walter','martha','christian','madison',
        'keith','teresa','roger','gloria','terry','sara','austin','janice','sean','ann','gerald','kathryn','carl',
        'abigail','harold','sophia','dylan','frances','arthur','jean','lawrence','alice','jordan','judy','jesse',
        'isabella','bryan','julia','billy','grace','bruce','amber','gabriel','denise','joe','danielle','logan',
        'marilyn','alan','beverly','juan','charlotte','albert','natalie','willie','theresa','elijah','diana','wayne',
        'brittany','randy','doris','vincent','kayla','mason','alexis','roy','lori','ralph','marie','bobby','luis',
        'chloe','mateo','lucia','ahmed','fatima','wei','mei','raj','priya','yusuf','aisha','ivan','olga','pierre',
        'camille','hans','greta','kenji','yuki','diego','sofia','omar','leila','carlos','ana']
$$;

CREATE FUNCTION lk.last_names() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['smith','johnson','williams','brown','jones','garcia','miller','davis','rodriguez','martinez',
        'hernandez','lopez','gonzalez','wilson','anderson','thomas','taylor','moore','jackson','martin','lee','perez',
        'thompson','white','harris','sanchez','clark','ramirez','lewis','robinson','walker','young','allen','king',
        'wright','scott','torres','nguyen','hill','flores','green','adams','nelson','baker','hall','rivera',
        'campbell','mitchell','carter','roberts','gomez','phillips','evans','turner','diaz','parker','cruz',
        'edwards','collins','reyes','stewart','morris','morales','murphy','cook','rogers','gutierrez','ortiz',
        'morgan','cooper','peterson','bailey','reed','kelly','howard','ramos','kim','cox','ward','richardson',
        'watson','brooks','chavez','wood','james','bennett','gray','mendoza','ruiz','hughes','price','alvarez',
        'castillo','sanders','patel','myers','long','ross','foster','jimenez','powell','jenkins','perry','russell',
        'sullivan','bell','coleman','butler','henderson','barnes','gonzales','fisher','vasquez','simmons','romero',
        'jordan','patterson','alexander','hamilton','graham','reynolds','griffin','wallace','moreno','west','cole',
        'hayes','bryant','herrera','gibson','ellis','tran','medina','aguilar','stevens','murray','ford','castro',
        'marshall','owens','harrison','fernandez','mcdonald','woods','washington','kennedy','wells','vargas',
        'henry','chen','freeman','webb','tucker','guzman','burns','crawford','olson','simpson','porter','hunter',
        'gordon','mendez','silva','shaw','snyder','mason','dixon','munoz','hunt','hicks','holmes','palmer','wagner',
        'black','robertson','boyd','rose','stone','salazar','fox','warren','mills','meyer','rice','schmidt',
        'garza','daniels','ferguson','nichols','stephens','soto','weaver','ryan','gardner','payne','grant',
        'dunn','kelley','spencer','hawkins','arnold','pierce','vazquez','hansen','peters','santos','hart','bradley',
        'knight','elliott','cunningham','duncan','armstrong','hudson','carroll','lane','riley','andrews','alvarado',
        'ray','delgado','berry','perkins','hoffman','johnston','matthews','pena','richards','contreras','willis',
        'carpenter','lawrence','sandoval','mueller','schneider','fischer','weber','dubois','moreau','laurent',
        'rossi','russo','ferrari','kowalski','novak','ivanov','petrov','tanaka','suzuki','wang','li','zhang','liu',
        'singh','kumar','khan','ali','hussain','okafor','mensah']
$$;

CREATE FUNCTION lk.words() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['sunny','coolcat','bluefox','skywalker','dreamer','tiger','gamer','rocket','angel','shadow',
        'happy','music','lucky','star','dragon','ninja','pixel','runner','surfer','biker','chef','queen','king',
        'honey','cookie','panda','wolf','eagle','storm','ocean','river','forest','moon','sunshine','rainbow',
        'cherry','mango','peach','lemon','coffee','latte','mocha','jazz','rock','blues','soul','retro','vintage',
        'urban','wild','free','magic','sparkle','glitter','dancer','singer','writer','artist','photo','travel',
        'nomad','hiker','climber','sailor','pilot','doc','nurse','teacher','coach','fan','lover','mama','papa',
        'granny','buddy','champ','hero','boss','chief','legend','smiley','cuddles','fuzzy','bubbles','sugar']
$$;

CREATE FUNCTION lk.tail_domains() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT array_agg(w1 || w2 || '.' || tld ORDER BY md5(w1 || w2 || tld))
    FROM unnest(ARRAY['acme','nova','blue','green','north','west','prime','bright','smart','global','metro',
                      'alpha','delta','summit','pine','oak','river','stone','iron','silver','golden','rapid',
                      'true','clear','open','vista','peak','core','fusion','vertex']) w1,
         unnest(ARRAY['tech','labs','works','systems','media','group','soft','design','health','law','build',
                      'foods','logistics','energy','finance','consult','studio','retail','mail','net']) w2,
         unnest(ARRAY['com','net','org','io','co.uk','de']) tld
$$;

-- One subscriber (g only makes each call its own).
CREATE FUNCTION lk.person(g bigint, OUT first_name text, OUT last_name text, OUT address text, OUT status text,
                          OUT source text, OUT score integer, OUT country text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    f text := lk.pick(lk.first_names(), random());
    l text := lk.pick(lk.last_names(), random());
    style float8 := random();
    d float8 := random();
    r4 float8 := random();
    local text;
    domain text;
    two text := lpad(floor(random() * 100)::text, 2, '0');
    year text := (1955 + floor(random() * 50))::text;
BEGIN
    first_name := initcap(f);
    last_name := initcap(l);
    local := CASE
        WHEN style < 0.20 THEN f || '.' || l
        WHEN style < 0.30 THEN f || l
        WHEN style < 0.42 THEN f || '.' || l || two
        WHEN style < 0.46 THEN f || '_' || l
        WHEN style < 0.58 THEN left(f, 1) || l
        WHEN style < 0.63 THEN f || left(l, 1)
        WHEN style < 0.71 THEN f || two
        WHEN style < 0.75 THEN l || '.' || f
        WHEN style < 0.82 THEN f || year
        WHEN style < 0.85 THEN left(f, 1) || '.' || l || two
        WHEN style < 0.88 THEN l || left(f, 1) || two
        ELSE lk.pick(lk.words(), random()) || CASE WHEN random() < 0.7 THEN two ELSE '' END
    END;
    domain := CASE
        WHEN d < 0.30 THEN 'gmail.com'
        WHEN d < 0.42 THEN 'yahoo.com'
        WHEN d < 0.52 THEN 'hotmail.com'
        WHEN d < 0.60 THEN 'outlook.com'
        WHEN d < 0.65 THEN 'icloud.com'
        WHEN d < 0.68 THEN 'aol.com'
        WHEN d < 0.70 THEN 'comcast.net'
        ELSE lk.pick(lk.tail_domains(), random())
    END;
    address := local || '@' || domain;
    -- listguard refuses what has the shape of its pseudonyms (p. and 12
    -- letters or digits): p.richardson12 is such a one.
    IF address ~ '^p\.[a-z2-7]{12}@' THEN
        address := 'm' || address;
    END IF;
    status := CASE WHEN r4 < 0.85 THEN 'active' WHEN r4 < 0.95 THEN 'unsubscribed' ELSE 'bounced' END;
    source := (ARRAY['web', 'web', 'web', 'import', 'import', 'api', 'event'])[1 + floor(random() * 7)::int];
    score := least(100, greatest(0, round(50 + 18 * sqrt(-2 * ln(random() + 1e-9)) * cos(2 * pi() * random()))))::int;
    country := lk.pick(ARRAY['US', 'US', 'GB', 'DE', 'FR', 'CA', 'AU', 'ES', 'IT', 'NL', 'BR', 'IN', 'MX', 'SE'], random());
END
$$;
