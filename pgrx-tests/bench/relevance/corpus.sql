-- ============================================================================
-- pgrx-tests/bench/relevance/corpus.sql: the labelled corpus for measuring
-- search_creations' relevance (precision.sh; the labels are labels.tsv).
--
--   psql -v ON_ERROR_STOP=1 [-v corpus_sha=SHA] -f pgrx-tests/bench/relevance/corpus.sql
--   (superuser, in a database holding generate.sql's data set)
--
-- Plants about 250 published public creations among the generated ones:
-- for each labelled query, the creations a careful user expects in the top
-- 10 (numbers g01..g49 of group g), hand-written distractors (g50..g69)
-- and, for queries whose words the generated data lacks, filler
-- distractors that mention the words only somewhere in a long description
-- (g70..g99), so that the relevant ones have to win a ranking.  Volume for
-- the common words comes from the generated data itself.
--
-- Creation n has id md5('rel-c' || n) (bench.cid(n) is md5('c' || n): no
-- collision); its author is one of five accounts md5('rel-u' || k).  Dates:
-- the "common" groups give their relevant creations fixed ages spread over
-- the two years (one recent, the rest older: what the recent-window path of
-- search_creations sees or misses depends on it); everything else gets an
-- age from a hash, like generate.sql.
--
-- Inserted with the triggers on (not generate.sql's replica mode), so
-- search_vector, arcanea.search_terms and the authors' counters are exactly
-- what the extension makes of a real publish.  Idempotent: rows are upserted
-- (an unchanged row is not written), creations of the corpus' authors that
-- the corpus no longer lists are deleted, and bench.meta.relevance_corpus
-- records what was planted (precision.sh passes the file's hash).
-- ============================================================================
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- The triggers must fire (generate.sql turns them off in its session).
SET session_replication_role = origin;
\if :{?corpus_sha}
\else
\set corpus_sha manual
\endif

BEGIN;

DO $check$
BEGIN
    IF to_regclass('bench.meta') IS NULL
       OR NOT EXISTS (SELECT 1 FROM bench.meta WHERE key = 'complete' AND value = 'true') THEN
        RAISE EXCEPTION 'relevance corpus: no complete generate.sql data set in database %', current_database();
    END IF;
END
$check$;

-- The authors: through auth.users, so the signup trigger makes their profiles.
INSERT INTO auth.users (id, aud, role, email, email_confirmed_at, raw_app_meta_data, raw_user_meta_data,
                        created_at, updated_at)
SELECT md5('rel-u' || k)::uuid, 'authenticated', 'authenticated', 'relevance_' || k || '@bench.arcanea.test',
       bench.t0() - interval '800 days', '{"provider": "email"}',
       jsonb_build_object('username', 'relevance_author_' || k),
       bench.t0() - interval '800 days', bench.t0() - interval '800 days'
  FROM generate_series(1, 5) k
ON CONFLICT (id) DO NOTHING;

-- age: days before bench.t0(); NULL for an age from a hash.
CREATE TEMP TABLE plant (
    n int PRIMARY KEY, type text NOT NULL, age float8, title text NOT NULL, tags text[] NOT NULL,
    description text NOT NULL
) ON COMMIT DROP;

INSERT INTO plant VALUES
-- 1 axolotl (a word the data lacks); axolotol (typo)
(101, 'image', NULL, 'Axolotl', '{axolotl,animals}', 'Portrait of a pink axolotl with feathery gills, shot through aquarium glass.'),
(102, 'image', NULL, 'Axolotl in the Moss', '{animals,nature}', 'A sleepy amphibian among moss and pebbles, soft watercolor.'),
(103, 'music', NULL, 'Axolotl Lullaby', '{ambient,lofi}', 'A slow lofi loop for a pet that never grows up.'),
(104, 'video', NULL, 'The Last Wild Axolotl', '{nature,cinematic}', 'Short documentary about the canals of Xochimilco and the salamander that still lives there.'),
(105, 'image', NULL, 'Gills and Grins', '{axolotl,animals}', 'Fan art of a smiling salamander with frilly pink gills.'),
(150, 'image', NULL, 'Aquarium Shop Haul', '{photography}', 'Everything we brought home from the aquarium shop today: plants, gravel, a filter, a castle ornament, flakes for the goldfish, frozen worms for the axolotl, a new net and a thermometer. Full list with prices in the comments, ask me anything about the setup.'),
-- 2 origami crane (two words the data lacks)
(201, 'image', NULL, 'Origami Crane', '{minimalism,photography}', 'A single folded crane on a dark walnut table.'),
(202, 'image', NULL, 'Thousand Origami Cranes', '{collage,photography}', 'Senbazuru: a thousand paper cranes on strings, folded over one winter.'),
(203, 'video', NULL, 'How to Fold an Origami Crane', '{animation,minimalism}', 'Step by step folding tutorial, twelve minutes, one square of paper.'),
(204, 'image', NULL, 'Origami Crane in Flight', '{minimalism,birds}', 'A paper crane hanging from a thread against a bright window.'),
(250, 'image', NULL, 'Origami Fox', '{minimalism}', 'A fox folded from one square. Next time I will try something harder, maybe a frog or a lily, following the old book my grandmother gave me when we lived by the sea; she could fold a crane without looking.'),
(251, 'image', NULL, 'Construction Site at Dusk', '{photography,city}', 'A tower crane over the harbor at dusk; from this angle the apartment block behind it looks like folded origami.'),
(252, 'image', NULL, 'Crane Fly Macro', '{photography,nature}', 'Macro shot of a crane fly resting on a leaf after the rain. Nothing to do with origami.'),
-- 3 "paper lantern" (a phrase)
(301, 'image', NULL, 'Paper Lantern', '{paper,night}', 'A paper lantern glowing over a quiet street.'),
(302, 'image', NULL, 'Paper Lantern Festival', '{festival,night}', 'Hundreds of paper lanterns drifting up over the river.'),
(303, 'video', NULL, 'Folding a Paper Lantern', '{animation,minimalism}', 'How to fold and light a simple paper lantern.'),
(304, 'music', NULL, 'Red Paper Lantern', '{chillout,lofi}', 'Warm lofi beat named after the red paper lantern outside my window.'),
(350, 'image', NULL, 'Lantern Made of Paper and Wire', '{sculpture}', 'A lantern frame bent from wire and wrapped in rice paper.'),
(351, 'image', NULL, 'Night Street', '{city,night}', 'Old street at night; every shop hangs a paper lantern by its door and the rain makes them shine twice.'),
-- 4 risograph (a tag the data lacks); risograf (typo)
(401, 'image', NULL, 'Harbor at Noon', '{risograph,typography}', 'Two-color print, teal and fluorescent pink.'),
(402, 'image', NULL, 'Night Market Zine', '{risograph,city}', 'Cover for our zine, printed in three layers.'),
(403, 'image', NULL, 'Tomato Study', '{risograph,food}', 'Still life, printed in red and yellow on cream paper.'),
(404, 'image', NULL, 'Risograph Botanicals', '{risograph,flowers}', 'A series of ferns printed on a risograph, one drum per color.'),
(405, 'image', NULL, 'Risograph Zine Cover', '{typography,collage}', 'Cover art for a risograph zine about bicycles.'),
(450, 'image', NULL, 'Print Shop Tour', '{photography}', 'A tour of the community print shop on a Saturday: the letterpress in the back, the screen printing table, drying racks full of posters, the paper cutter nobody is allowed to touch, and in the corner an old risograph that still works if you talk to it nicely.'),
-- 5 bioluminescent jellyfish (rare + common word)
(501, 'image', NULL, 'Bioluminescent Jellyfish', '{ocean,nature}', 'Deep sea creatures glowing blue in the dark water.'),
(502, 'video', NULL, 'Bioluminescent Jellyfish Bloom', '{ocean,cinematic}', 'Night footage of a bloom off the coast, no lights used.'),
(503, 'image', NULL, 'Jellyfish, Bioluminescent', '{ocean,watercolor}', 'Watercolor of a glowing jellyfish, ink and white gouache.'),
(504, 'music', NULL, 'Bioluminescent Jellyfish Drift', '{ambient}', 'Ambient piece for a dark aquarium room.'),
(550, 'image', NULL, 'Aquarium Sketchbook', '{illustration,ocean}', 'Ink sketches from a rainy afternoon at the aquarium: seahorses, a grumpy octopus, the big tank with the sharks, the touch pool, a jellyfish tank by the exit. The guide said some of the deep species are bioluminescent, but the room lights were on.'),
(551, 'image', NULL, 'Night Dive', '{ocean,photography}', 'Bioluminescent plankton lit up every kick of our fins. Later, near the boat, a single jellyfish passed under the torch.'),
-- 6 tin robot orchestra (three words)
(601, 'music', NULL, 'Tin Robot Orchestra', '{electronic,robots}', 'Clockwork percussion and toy pianos, recorded in one take.'),
(602, 'video', NULL, 'The Tin Robot Orchestra Plays Bach', '{robots,animation}', 'Stop motion of twelve wind-up toys playing a fugue.'),
(603, 'image', NULL, 'Tin Robot Orchestra Poster', '{robots,retro}', 'Concert poster in a fifties style.'),
(650, 'image', NULL, 'Tin Robot', '{robots,retro}', 'A wind-up toy from my grandfather, repainted last summer. He used to say it once played the drum in a real orchestra before the war.'),
(651, 'music', NULL, 'Robot Orchestra', '{electronic}', 'Generated with modular synths, with tin cans as the percussion section.'),
-- 7 kraken (ten relevant; three keyword-stuffed descriptions)
(701, 'image', NULL, 'Kraken', '{kraken,mythology}', 'The kraken coiled around a lighthouse rock, oil on canvas.'),
(702, 'image', NULL, 'Kraken Rising', '{ocean,mythology}', 'Tentacles breaking the surface in a storm.'),
(703, 'text', NULL, 'The Kraken Wakes', '{shortstory,horror}', 'A short story told by the last sailor awake on deck.'),
(704, 'image', NULL, 'Kraken versus Galleon', '{ocean,illustration}', 'Classic scene, ink and wash.'),
(705, 'music', NULL, 'Kraken Lullaby', '{orchestral}', 'Low strings and a music box for a sleeping sea monster.'),
(706, 'image', NULL, 'Kraken in the Fog', '{kraken,ocean}', 'Only the eye is visible through the fog.'),
(707, 'image', NULL, 'Baby Kraken', '{animals,illustration}', 'A tiny squid with big ambitions.'),
(708, 'image', NULL, 'Kraken Sketchbook', '{illustration}', 'Twenty studies of tentacles and suckers.'),
(709, 'video', NULL, 'Kraken Attack', '{kraken,animation}', 'Thirty second animated short.'),
(710, 'music', NULL, 'Song of the Kraken', '{orchestral,soundtrack}', 'Sea shanty arranged for choir.'),
(750, 'image', NULL, 'Wallpaper Pack 4K', '{photography}', 'kraken wallpaper kraken 4k kraken hd kraken art kraken octopus kraken monster kraken download kraken free kraken sea kraken poster kraken print kraken background'),
(751, 'image', NULL, 'HD Backgrounds Free Download', '{render}', 'free kraken background kraken wallpaper hd kraken 4k kraken phone kraken desktop kraken art kraken best kraken new kraken monster kraken sea kraken dark kraken'),
(752, 'image', NULL, 'Best Sea Monster Art', '{render}', 'sea monster kraken art kraken poster kraken print kraken shirt kraken mug kraken sticker kraken gift kraken sale kraken cheap kraken octopus kraken tentacle kraken'),
-- 8 cozy cabin (a rare word + a word the data lacks)
(801, 'image', NULL, 'Cozy Cabin in the Snow', '{winter,architecture}', 'Smoke from the chimney, warm light in every window.'),
(802, 'image', NULL, 'Cozy Cabin Interior', '{architecture,cottagecore}', 'Quilts, a wood stove and far too many plants.'),
(803, 'music', NULL, 'Cozy Cabin Rain Sounds', '{ambient,lofi}', 'Two hours of rain on a tin roof with a crackling fire.'),
(804, 'video', NULL, 'Cozy Cabin Timelapse', '{nature,cinematic}', 'A year at the lake, one frame a day.'),
(850, 'image', NULL, 'Mountain Hut', '{landscape}', 'We hiked six hours to reach this hut above the tree line, with a storm behind us the whole way. Inside it was surprisingly cozy, and the next morning the whole valley was white. The cabin book had names going back to 1962.'),
-- 9 noir detective (a tag + a word the data lacks)
(901, 'image', NULL, 'Noir Detective', '{noir,characterdesign}', 'Trench coat, fedora, cigarette smoke, one streetlight.'),
(902, 'text', NULL, 'Noir Detective, Chapter One', '{noir,shortstory}', 'She walked in at midnight with a case nobody else would take.'),
(903, 'video', NULL, 'Noir Detective Title Sequence', '{noir,cinematic}', 'Opening titles in black and white with a jazz score.'),
(904, 'image', NULL, 'The Noir Detective Office', '{noir,illustration}', 'Venetian blinds, a desk fan and a bottle of rye.'),
(950, 'image', NULL, 'Rainy Alley', '{noir,photography}', 'Shot on black and white film behind the old theatre. The light from the fire escape made it feel like a scene where the detective finds the body in the last reel.'),
-- 10 the lighthouse keeper (a stop word, a common word and a rare one)
(1001, 'text', NULL, 'The Lighthouse Keeper', '{shortstory,ocean}', 'Forty years of logbooks, one storm at a time.'),
(1002, 'image', NULL, 'Lighthouse Keeper Portrait', '{portraiture,ocean}', 'An old man in oilskins at the top of the stairs.'),
(1003, 'music', NULL, 'The Lighthouse Keeper Waltz', '{orchestral}', 'A slow waltz for accordion and strings.'),
(1004, 'image', NULL, 'Diary of a Lighthouse Keeper', '{illustration,ocean}', 'Illustrated pages from an imagined diary.'),
(1050, 'image', NULL, 'Keeper of the Lamp', '{fantasy,characterdesign}', 'A spirit who tends an eternal flame in a cave under the mountain. In the second version she moves to a lighthouse on the coast.'),
-- 11 lighthouse (common)
(1101, 'image', 2, 'Lighthouse', '{lighthouse,ocean}', 'A red and white lighthouse on black rocks, long exposure.'),
(1102, 'image', 60, 'Lighthouse at the End of the World', '{lighthouse,landscape}', 'The southernmost lighthouse, painted from a photo I took there.'),
(1103, 'video', 190, 'Lighthouse in a Storm', '{lighthouse,cinematic}', 'Waves breaking over the lighthouse gallery, drone footage.'),
(1104, 'music', 400, 'Lighthouse Signals', '{lighthouse,ambient}', 'Ambient piece built from the rhythm of a lighthouse beam.'),
(1105, 'image', 650, 'Old Lighthouse, North Cape', '{lighthouse,photography}', 'The old lighthouse before its restoration.'),
-- 12 samurai, videos only (middling)
(1201, 'video', NULL, 'Samurai', '{samurai,cinematic}', 'A samurai walks through falling cherry blossom, one shot.'),
(1202, 'video', NULL, 'Samurai Duel at Dawn', '{samurai,animation}', 'Two samurai, one bridge, hand-drawn animation.'),
(1203, 'video', NULL, 'The Last Samurai Walks Home', '{samurai,cinematic}', 'Short film about a samurai after the war.'),
(1204, 'video', NULL, 'Samurai Training Montage', '{samurai,motion}', 'Motion capture of kata, rendered as a samurai in armor.'),
(1205, 'video', NULL, 'Samurai in the Rain', '{samurai,noir}', 'Black and white samurai scene, rain machine and one lamp.'),
(1250, 'image', NULL, 'Samurai Portrait', '{samurai,portraiture}', 'A samurai in full armor, oil on panel.'),
(1251, 'image', NULL, 'Samurai Helmet Study', '{samurai,illustration}', 'Details of a samurai kabuto.'),
(1252, 'image', NULL, 'Samurai and Cat', '{samurai,cats}', 'A samurai sharing his rice with a cat.'),
-- 13 lanterns (plural), lanturn (a typo that one description also has)
(1301, 'image', NULL, 'Lantern', '{lantern,night}', 'A brass lantern on a windowsill, the only light in the room.'),
(1302, 'image', NULL, 'Lantern in the Window', '{lantern,cottagecore}', 'A lantern left in the window for someone coming home late.'),
(1303, 'video', NULL, 'Floating Lantern Ceremony', '{lantern,cinematic}', 'Thousands of floating lanterns released on the lake.'),
(1304, 'music', NULL, 'Lantern Light', '{lantern,lofi}', 'Lofi beat for walking home by lantern light.'),
(1305, 'image', NULL, 'Stone Lantern in a Temple Garden', '{lantern,architecture}', 'A moss covered stone lantern in Kyoto.'),
(1350, 'image', NULL, 'Harbor Night Market', '{city,night}', 'Stalls along the harbor, the lanturn glow on wet stones, grilled squid and loud music until late.'),
-- 14 orchid (middling)
(1401, 'image', NULL, 'Orchid', '{orchid,flowers}', 'A white orchid against a black background.'),
(1402, 'image', NULL, 'Moth Orchid Study', '{orchid,flowers}', 'Botanical study of a moth orchid, pencil and watercolor.'),
(1403, 'image', NULL, 'Ghost Orchid', '{orchid,nature}', 'The rare ghost orchid of the Florida swamps.'),
(1404, 'video', NULL, 'Orchid Bloom Timelapse', '{orchid,nature}', 'Three weeks of an orchid opening, in forty seconds.'),
(1405, 'text', NULL, 'Ode to an Orchid', '{orchid,poetry}', 'A poem for the orchid on my desk that refuses to die.'),
-- 15 mecha (a tag of the generated data)
(1501, 'image', NULL, 'Mecha', '{mecha,robots}', 'A mecha standing in the rain, lights on.'),
(1502, 'image', NULL, 'Mecha Hangar', '{mecha,scifi}', 'Maintenance crews around a damaged mecha.'),
(1503, 'video', NULL, 'Mecha Launch Sequence', '{mecha,animation}', 'The classic mecha launch, catapult and all.'),
(1504, 'image', NULL, 'Rusty Mecha in the Desert', '{mecha,landscape}', 'An abandoned mecha half buried in sand.'),
(1505, 'image', NULL, 'Mecha Pilot Portrait', '{mecha,portraiture}', 'The pilot in her plug suit beside her mecha.'),
-- 16 cyberpunk samurai (a tag and a middling word)
(1601, 'image', NULL, 'Cyberpunk Samurai', '{cyberpunk,samurai}', 'A cyberpunk samurai with a glowing katana.'),
(1602, 'video', NULL, 'Cyberpunk Samurai Chase', '{cyberpunk,samurai}', 'Rooftop chase of a cyberpunk samurai, a samurai sword against drones.'),
(1603, 'image', NULL, 'Cyberpunk Samurai Under Neon Rain', '{cyberpunk,neon}', 'Cyberpunk street, samurai armor, neon rain.'),
(1604, 'music', NULL, 'Cyberpunk Samurai Theme', '{cyberpunk,synthwave}', 'Synthwave theme with taiko drums for a cyberpunk samurai.'),
-- 17 fantasy map (a tag and a middling word)
(1701, 'image', NULL, 'Fantasy Map of the Northern Isles', '{fantasy,worldbuilding}', 'Hand-drawn fantasy map for my campaign, ink on parchment.'),
(1702, 'image', NULL, 'Fantasy Map', '{fantasy,worldbuilding}', 'A fantasy map with mountains, rivers and one very big forest.'),
(1703, 'image', NULL, 'Hand-Drawn Fantasy Map', '{fantasy,illustration}', 'Fantasy map for a novel, every town named.'),
(1704, 'video', NULL, 'Fantasy Map Speed Drawing', '{fantasy,worldbuilding}', 'Drawing a fantasy map from scratch in ten minutes.'),
-- 18 phoenix (middling); pheonix (typo)
(1801, 'image', NULL, 'Phoenix', '{phoenix,mythology}', 'A phoenix in flames, gold leaf on black.'),
(1802, 'image', NULL, 'Phoenix Rising from Ash', '{phoenix,mythology}', 'The phoenix reborn, charcoal and red pastel.'),
(1803, 'video', NULL, 'Phoenix Rebirth', '{phoenix,animation}', 'Animated loop of a phoenix burning and returning.'),
(1804, 'music', NULL, 'Phoenix Anthem', '{phoenix,orchestral}', 'Brass and choir for the phoenix.'),
(1805, 'image', NULL, 'Phoenix Feather', '{phoenix,illustration}', 'A single phoenix feather still smouldering.'),
-- 19 koi, images only (middling)
(1901, 'image', NULL, 'Koi', '{koi,animals}', 'Three koi circling in a dark pond.'),
(1902, 'image', NULL, 'Koi Pond', '{koi,nature}', 'Koi pond in autumn, leaves on the water.'),
(1903, 'image', NULL, 'Two Koi, Ink on Silk', '{koi,watercolor}', 'Two koi painted in ink on silk.'),
(1904, 'image', NULL, 'Koi Under Lotus Leaves', '{koi,nature}', 'A koi hiding under lotus leaves.'),
(1905, 'image', NULL, 'Golden Koi', '{koi,photography}', 'A golden koi photographed from the bridge.'),
(1950, 'music', NULL, 'Koi Pond Ambience', '{koi,ambient}', 'Field recording at a koi pond.'),
(1951, 'video', NULL, 'Koi Feeding Time', '{koi,nature}', 'The koi at feeding time, slow motion.'),
-- 20 lullaby, music only (middling)
(2001, 'music', NULL, 'Lullaby', '{lullaby,piano}', 'A simple piano lullaby.'),
(2002, 'music', NULL, 'Lullaby for a Little Star', '{lullaby,ambient}', 'A lullaby with soft pads and a music box.'),
(2003, 'music', NULL, 'Music Box Lullaby', '{lullaby,piano}', 'Music box lullaby, recorded on an old mechanism.'),
(2004, 'music', NULL, 'Lullaby in D Minor', '{lullaby,orchestral}', 'A lullaby for strings.'),
(2005, 'music', NULL, 'Rainy Night Lullaby', '{lullaby,lofi}', 'Lofi lullaby with rain in the background.'),
(2050, 'text', NULL, 'Lullaby', '{lullaby,poetry}', 'A lullaby poem for my daughter.'),
(2051, 'video', NULL, 'Lullaby Animation', '{lullaby,animation}', 'Animated lullaby with paper cut-outs.'),
-- 21 dragon (common); dargon (typo)
(2101, 'image', 2, 'Dragon', '{dragon,fantasy}', 'A green dragon asleep on its hoard.'),
(2102, 'image', 40, 'Sleeping Dragon', '{dragon,fantasy}', 'A dragon curled around a mountain, dreaming.'),
(2103, 'video', 150, 'Dragon Flight', '{dragon,animation}', 'A dragon flying over the clouds, hand-drawn animation.'),
(2104, 'music', 330, 'Dragon Theme', '{dragon,orchestral}', 'Orchestral theme for a dragon boss fight.'),
(2105, 'text', 560, 'How the Dragon Lost Its Fire', '{dragon,shortstory}', 'A bedtime story about a dragon with a cold.'),
(2106, 'image', 720, 'Dragon Egg', '{dragon,illustration}', 'A dragon egg cracking open, scales and embers.'),
-- 22 forest (common)
(2201, 'image', 2, 'Forest', '{forest,nature}', 'An old forest after rain, light through the pines.'),
(2202, 'image', 40, 'Forest Path in Fog', '{forest,landscape}', 'A path into the forest, morning fog.'),
(2203, 'music', 150, 'Forest Rain', '{forest,ambient}', 'Field recording of rain in a beech forest.'),
(2204, 'video', 330, 'Forest Floor Timelapse', '{forest,nature}', 'Mushrooms and ferns on the forest floor, one month.'),
(2205, 'image', 560, 'Deep Forest Clearing', '{forest,landscape}', 'A clearing deep in the forest, oil painting.'),
-- 23 jellyfish (the most common word)
(2301, 'image', 2, 'Jellyfish', '{jellyfish,ocean}', 'A single jellyfish, backlit, on black.'),
(2302, 'video', 40, 'Jellyfish Tank', '{jellyfish,ocean}', 'Jellyfish tank at the aquarium, slow motion.'),
(2303, 'image', 150, 'Jellyfish Drift', '{jellyfish,watercolor}', 'Watercolor of jellyfish drifting in a current.'),
(2304, 'music', 330, 'Jellyfish Dreams', '{jellyfish,ambient}', 'Ambient music for jellyfish.'),
(2305, 'image', 560, 'Moon Jellyfish', '{jellyfish,photography}', 'Moon jellyfish photographed in the harbor.'),
-- 24 portal, texts only (common)
(2401, 'text', 2, 'The Portal', '{portal,shortstory}', 'A story about a portal that opens once a year.'),
(2402, 'text', 40, 'Portal in the Attic', '{portal,shortstory}', 'Two children find a portal behind the boxes.'),
(2403, 'text', 150, 'Portal Poems', '{portal,poetry}', 'Seven short poems about doors, gates and one portal.'),
(2404, 'text', 330, 'Notes on Building a Portal', '{portal,worldbuilding}', 'Worldbuilding notes: how portal magic works in my setting.'),
(2405, 'text', 560, 'Portal, Closing', '{portal,shortstory}', 'The last night before the portal closes forever.'),
(2450, 'image', 10, 'Portal', '{portal,fantasy}', 'A glowing portal in a ruined arch.'),
(2451, 'image', 20, 'Portal Gate', '{portal,scifi}', 'A sci-fi portal gate on a space station.'),
-- 25 witch, witches (common)
(2501, 'image', 2, 'Witch', '{witch,fantasy}', 'A witch on a broom against the full moon.'),
(2502, 'text', 40, 'The Witch of Hollow Lane', '{witch,shortstory}', 'The village was afraid of the witch until the winter came.'),
(2503, 'image', 150, 'Sea Witch', '{witch,ocean}', 'A sea witch with a crown of shells.'),
(2504, 'music', 330, 'Witch Hour', '{witch,ambient}', 'Dark ambient for the witching hour, a witch chant sampled.'),
(2505, 'video', 560, 'Witch Brewing a Potion', '{witch,animation}', 'Animated witch stirring a cauldron.'),
-- 26 violin, music only (common)
(2601, 'music', 2, 'Violin', '{violin,orchestral}', 'Solo violin, recorded in a church.'),
(2602, 'music', 40, 'Violin Sonata in Blue', '{violin,orchestral}', 'A sonata for violin and piano.'),
(2603, 'music', 150, 'Solo Violin at Midnight', '{violin,piano}', 'Late night violin improvisation.'),
(2604, 'music', 330, 'Violin and Rain', '{violin,ambient}', 'Violin over a field recording of rain.'),
(2605, 'music', 560, 'Violin Loop', '{violin,lofi}', 'A lofi beat built on a violin loop.'),
(2650, 'image', 10, 'Violin', '{violin,stilllife}', 'Still life of a violin on a chair.'),
(2651, 'video', 20, 'Violin Lesson', '{violin,cinematic}', 'A first violin lesson, filmed by the parents.'),
-- 27 cyberpunk (the commonest tag but two; titles never have it)
(2701, 'image', 2, 'Cyberpunk', '{cyberpunk,neon}', 'A cyberpunk skyline in the rain.'),
(2702, 'image', 40, 'Cyberpunk Alley', '{cyberpunk,city}', 'Cyberpunk alley, noodle stand and holograms.'),
(2703, 'video', 150, 'Cyberpunk Night Drive', '{cyberpunk,synthwave}', 'Cyberpunk night drive through the megacity.'),
(2704, 'music', 330, 'Cyberpunk Bass', '{cyberpunk,electronic}', 'Heavy bass track for a cyberpunk chase.'),
(2705, 'image', 560, 'Cyberpunk Street Vendor', '{cyberpunk,characterdesign}', 'Character design of a cyberpunk street vendor.'),
-- 28 fantasy portrait (two common words, together common)
(2801, 'image', 2, 'Fantasy Portrait of an Elf Queen', '{fantasy,portrait,characterdesign}', 'A fantasy portrait of an elf queen in silver armor.'),
(2802, 'image', 40, 'Fantasy Portrait', '{fantasy,portrait}', 'Fantasy portrait commission, digital painting.'),
(2803, 'image', 150, 'Fantasy Portrait of a Dwarf Smith', '{fantasy,portrait}', 'Fantasy portrait of a dwarf at his forge.'),
(2804, 'image', 330, 'Dark Fantasy Portrait', '{darkfantasy,portrait}', 'A dark fantasy portrait of a plague doctor.'),
(2805, 'video', 560, 'Painting a Fantasy Portrait', '{fantasy,portrait,watercolor}', 'Time-lapse of a fantasy portrait in watercolor.'),
-- 29 quiet ocean dawn (three common words, together rare)
(2901, 'image', NULL, 'Quiet Ocean at Dawn', '{ocean,landscape}', 'Flat water and the first light.'),
(2902, 'music', NULL, 'Dawn over a Quiet Ocean', '{ambient,ocean}', 'Slow ambient piece for early mornings.'),
(2903, 'image', NULL, 'The Quiet Ocean Before Dawn', '{ocean,photography}', 'Long exposure from the pier.'),
(2904, 'video', NULL, 'Quiet Ocean, Dawn Light', '{ocean,cinematic}', 'Drone shot along the coast at sunrise.'),
-- 30 eclipse (middling)
(3001, 'image', NULL, 'Eclipse', '{eclipse,space}', 'The corona during a total eclipse.'),
(3002, 'image', NULL, 'Total Eclipse over the Desert', '{eclipse,landscape}', 'The eclipse shadow crossing the desert.'),
(3003, 'video', NULL, 'Eclipse Timelapse', '{eclipse,space}', 'The whole eclipse in one minute.'),
(3004, 'music', NULL, 'Eclipse Suite', '{eclipse,orchestral}', 'An orchestral suite in three parts, written for the eclipse.'),
(3005, 'image', NULL, 'Lunar Eclipse Study', '{eclipse,space}', 'Phases of a lunar eclipse, gouache.');

-- Fillers: a long description in the generator's words (Zipf over
-- bench.word) with the query's words spread through it; a generator-style
-- title.  Only for groups whose words the generated data lacks.
INSERT INTO plant
SELECT g * 100 + 69 + i, (ARRAY['image', 'image', 'music', 'video', 'text'])[1 + floor(5 * bench.h(4243, g * 100 + 69 + i))::int],
       NULL, f.title, f.tags, f.description
  FROM (VALUES (1, 10, '{axolotl}'::text[]), (2, 8, '{origami,crane}'), (3, 8, '{"paper lantern"}'),
               (4, 10, '{risograph}'), (5, 8, '{bioluminescent,jellyfish}'), (6, 6, '{tin,robot,orchestra}'),
               (7, 4, '{kraken}'), (8, 8, '{cozy,cabin}'), (9, 6, '{noir,detective}'),
               (10, 6, '{lighthouse,keeper}')) AS spec(g, cnt, chunks)
 CROSS JOIN LATERAL generate_series(1, spec.cnt) i
 CROSS JOIN LATERAL (
       SELECT initcap(a.word || ' ' || o.word) AS title,
              ARRAY[(SELECT t.tag FROM bench.tag t WHERE t.rank = 1 + floor(40 * bench.h(4244, g * 100 + 69 + i))::int)] AS tags,
              (SELECT string_agg(CASE WHEN k IS NULL THEN w.word ELSE spec.chunks[k] || ' ' || w.word END, ' ' ORDER BY j)
                 FROM generate_series(1, 30 + floor(30 * bench.h(4245, g * 100 + 69 + i))::int) j
                 JOIN bench.word w ON w.rank = bench.zm(bench.h(4246, g * 100 + 69 + i, j), 5000, 10)
                 -- chunk k goes before word round(k * len / (chunks + 1)): spread out.
                 LEFT JOIN LATERAL (
                     SELECT k FROM generate_series(1, cardinality(spec.chunks)) k
                      WHERE j = round(k * (30 + floor(30 * bench.h(4245, g * 100 + 69 + i))) / (cardinality(spec.chunks) + 1))
                 ) c ON true) || '.' AS description
         FROM bench.adj a, bench.noun o
        WHERE a.rank = 1 + floor(40 * bench.h(4247, g * 100 + 69 + i))::int
          AND o.rank = 1 + floor(100 * bench.h(4248, g * 100 + 69 + i))::int) f;

INSERT INTO public.creations AS c
    (id, user_id, title, description, type, file_url, thumbnail_url, file_size, file_format, ai_tool,
     status, is_public, tags, created_at, updated_at, published_at)
SELECT md5('rel-c' || p.n)::uuid, md5('rel-u' || (1 + p.n % 5))::uuid, p.title, p.description, p.type,
       'https://cdn.arcanea.test/relevance/' || p.n || '.' || fmt, 'https://cdn.arcanea.test/relevance/' || p.n || '.webp',
       100000, fmt, 'relevance-corpus', 'published', true, p.tags, at, at, at
  FROM plant p
 CROSS JOIN LATERAL (
       SELECT bench.t0() - interval '1 day' * coalesce(p.age, 730 * bench.h(4242, p.n)) AS at,
              CASE p.type WHEN 'image' THEN 'png' WHEN 'music' THEN 'mp3' WHEN 'video' THEN 'mp4'
                          WHEN 'text' THEN 'md' ELSE 'zip' END AS fmt) x
ON CONFLICT (id) DO UPDATE
   SET title = EXCLUDED.title, description = EXCLUDED.description, type = EXCLUDED.type, tags = EXCLUDED.tags,
       file_format = EXCLUDED.file_format, file_url = EXCLUDED.file_url, status = EXCLUDED.status,
       is_public = EXCLUDED.is_public, created_at = EXCLUDED.created_at, published_at = EXCLUDED.published_at
 WHERE (c.title, c.description, c.type, c.tags, c.status, c.is_public, c.created_at)
       IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.description, EXCLUDED.type, EXCLUDED.tags, EXCLUDED.status,
                         EXCLUDED.is_public, EXCLUDED.created_at);

-- Creations a previous version of the corpus planted and this one does not.
DELETE FROM public.creations c
 WHERE c.user_id IN (SELECT md5('rel-u' || k)::uuid FROM generate_series(1, 5) k)
   AND c.id NOT IN (SELECT md5('rel-c' || n)::uuid FROM plant);

INSERT INTO bench.meta VALUES ('relevance_corpus', :'corpus_sha')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;

SELECT count(*) AS planted FROM plant;
COMMIT;
