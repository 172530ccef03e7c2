/* SPDX-License-Identifier: MIT */
/* Known given names: which spellings are one name, and which are two.
 *
 * A typing error is one reading of a name; an established different name is another person.
 * Brothers share surname, patronymic and often nearly a year of birth, and their given names
 * are often one letter apart (Ramil/Ramin, Garik/Gagik, Emin/Emil): the edit distance cannot
 * tell such a pair from a typo, so the matcher asks this table. Each entry is one name, its
 * spellings separated by '/': the forms the fold of names_key.c does not already merge
 * (conventional Russian forms such as Овсеп for Hovsep, Георгий for Giorgi, the Georgian,
 * Armenian and Russian forms of one Christian name). Two words whose keys are spellings of two
 * different entries are two names (a root difference, see names_sim.c); of one entry, one name.
 *
 * Provenance: compiled by hand for parley (issue 15) from the common given names of each
 * nation as civil registries, passport lists and the press write them: Armenian (Eastern and
 * Western forms, Russian document forms), Azerbaijani (1991 Latin alphabet; Russian forms read
 * by the same fold), Georgian (national system of 2002, with the Russian forms of Christian
 * names) and Russian (BGN/PCGN). It is a list of frequent names, not of all names: a name not
 * in it is compared by its letters alone, as before. Pet forms (Dato, Soso, Vova) are names of
 * their own here, since lists write them as given. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "names.h"

static const char *const GIVEN[] = {
    /* Armenian, men */
    "Aram", "Armen", "Arman", "Arsen", "Artur/Artour/Arthur", "Artak", "Artyom/Artem/Artiom",
    "Ashot", "Avet", "Avetik", "Ara", "Arayik", "Arshak", "Arsham", "Babken", "Edgar", "Edik",
    "Edvard/Eduard", "Gagik/Kakig", "Garegin", "Garik", "Gevorg/Kevork/Gevork", "Gor", "Grigor/Grigori/Grigoriy/Grigol/Krikor",
    "Gurgen", "Hakob/Hagop/Akop/Yakov/Iakov/Jakob", "Hamlet", "Hayk/Ayk/Gayk/Haik", "Henrik/Genrikh",
    "Hovhannes/Ovanes/Oganes/Hovannes/Ohannes", "Hovik/Ovik", "Hovsep/Ovsep/Osip/Ioseb/Iosif/Joseph",
    "Hrachya/Grachya/Hrach/Grach", "Hrant/Grant", "Karapet/Garabed", "Karen", "Karo", "Khachatur/Khachik",
    "Levon", "Manuk", "Manvel", "Mher/Mger", "Mikayel/Mikael/Mikheil/Mikhail/Michael",
    "Mkrtich/Mkrtych/Mgrdich", "Movses/Moisey", "Narek", "Nerses/Nerses", "Norayr/Norair",
    "Ohan", "Petros/Pyotr/Petr/Petre/Bedros", "Poghos/Pogos/Boghos", "Rafik/Rafiq", "Ruben",
    "Samvel/Samuel/Samouel", "Sargis/Sarkis/Sarkiss", "Sergey/Sergei/Serguei/Sergo", "Seyran", "Smbat",
    "Sos", "Suren", "Tatul", "Tigran/Dikran", "Vahagn/Vaagn", "Vahan/Vaan", "Vahe", "Vahram/Vagram",
    "Vardan/Vartan", "Vazgen", "Zaven", "Zhora", "Harutyun/Arutyun/Haroutioun", "Hmayak/Amayak",
    "Yervand/Ervand", "Yeghishe/Egishe", "Vachagan", "Robert", "Rustam/Rustem/Rüstəm", "Gegham/Gekham",
    "Sahak/Saak", "Isahak/Isaak", "Avag", "Galust", "Melkon", "Minas", "Nazar", "Simon",
    "Abgar", "Aghasi/Agasi", "Albert", "Andranik", "Ararat", "Artavazd", "Artash", "Aleksan", "Armenak",
    "Arshavir", "Arto", "Avo", "Gnel", "Haykaz", "Hayrapet", "Hrayr", "Hrachik", "Kamo", "Khoren",
    "Koryun", "Mesrop", "Mushegh/Mushekh", "Nairi", "Nshan", "Rafayel/Rafael/Rəfael", "Raffi", "Razmik", "Rubik",
    "Samson", "Sasun", "Serob", "Shahen", "Spartak", "Stepan/Stepanos", "Taron", "Tatevos/Tadevos", "Tovmas",
    "Vagharshak", "Varazdat", "Vardges", "Vigen", "Vrezh", "Zhirayr/Zhirair", "Zorik", "Zorayr", "Norik",
    "Garnik", "Garo", "Rudik", "Slavik", "Levik", "Hovo", "Armo", "Aro", "Melik", "Mamikon", "Artyush",
    "Margar/Markar", "Sevak", "Hamazasp", "Arakel", "Aristakes", "Sedrak", "Mkhitar", "Nikol",
    "Martiros/Mardiros",
    "Karlen", "Marat", "Misak", "Nver", "Sako", "Serzh/Serj", "Shavarsh", "Surik", "Valod", "Vanik",
    "Varuzhan", "Artsrun", "Gaspar/Kaspar", "Hayrik", "Sevada",
    /* Armenian, women */
    "Anahit", "Anna/Ana", "Armine", "Astghik", "Gayane/Gayaneh", "Hasmik/Asmik", "Karine", "Lilit",
    "Lusine", "Mariam/Maryam/Məryəm", "Nane", "Narine", "Ruzanna", "Siranush", "Susanna", "Tatevik",
    "Zara", "Sona", "Marine", "Arpine", "Nune", "Gohar",
    "Anush", "Araksya/Araksia", "Hripsime", "Knarik", "Lilit", "Margarit", "Nazeli", "Shushan", "Silva",
    "Takuhi", "Varduhi", "Yeva/Eva",
    /* Azerbaijani, men */
    "Abbas", "Adil", "Akif", "Ali/Əli", "Amil", "Anar", "Arif", "Asif", "Aydın/Aydin/Aidyn",
    "Azər/Azer/Azar", "Bəhram/Bahram/Bakhram", "Babək/Babek", "Bayram", "Cavid/Javid/Dzhavid", "Cəlal/Jalal/Dzhalal",
    "Cəmil/Jamil/Dzhamil", "Cavanşir/Javanshir", "Elçin/Elchin", "Eldar", "Elvin", "Elnur", "Elşən/Elshan",
    "Elşad/Elshad", "Elmar", "Elnar", "Elman", "Emil", "Emin", "Eyvaz", "Fuad/Fuat", "Fikrət/Fikret",
    "Fərid/Farid", "Hikmət/Hikmet", "Hüseyn/Huseyn/Guseyn/Gusein/Hussein", "Həsən/Hasan/Gasan",
    "İbrahim/Ibragim", "İlham/Ilgam", "İlqar/Ilgar", "İlkin", "İsmayıl/Ismail/Ismayil",
    "Kamal", "Kamran", "Kamil", "Kənan/Kanan", "Mahir", "Məmməd/Mamed/Mammad", "Məhəmməd/Mahammad/Magomed/Muhammad",
    "Mehdi", "Murad/Murat", "Musa", "Müşfiq/Mushfig", "Nadir", "Namiq/Namik", "Natiq/Natik", "Nazim",
    "Nicat/Nijat/Nidzhat", "Nihad/Nihat", "Nurlan", "Orxan/Orkhan", "Oqtay/Oktay", "Pərviz/Parviz",
    "Ramil", "Ramin", "Ramiz", "Rasim", "Rauf", "Rəşad/Rashad", "Rəşid/Rashid", "Rəsul/Rasul",
    "Rövşən/Rovshan/Rovshen", "Rüfət/Rufat", "Samir", "Sənan/Sanan", "Seymur", "Sərxan/Sarkhan", "Tahir",
    "Tofiq/Tofik", "Tural", "Toğrul/Togrul", "Vaqif/Vagif", "Vüqar/Vugar", "Vüsal/Vusal", "Yusif/Yusuf",
    "Zaur", "Zakir", "Zahir", "Ülvi/Ulvi", "Şahin/Shahin", "Cavad/Javad", "Teymur/Temur/Timur/Teimur", "Elxan/Elkhan",
    "Elgün/Elgun", "Əhməd/Ahmad/Akhmed", "Mübariz/Mubariz", "Faiq/Faig", "Fazil", "Vidadi",
    "Nəsimi/Nasimi", "Qurban/Gurban", "Səfər/Safar", "Əkbər/Akbar", "Ələkbər/Alakbar", "Əsgər/Asgar",
    "Qasım/Gasim/Kasim", "Kərim/Karim", "Rəhim/Rahim", "Nəsir/Nasir", "Nəzir/Nazir", "Vəli/Vali",
    "Elmir", "Elmin", "Eltun", "Elsevər/Elsever", "Emir", "Ənvər/Anvar", "Ərşad/Arshad", "Əziz/Aziz",
    "Əmir/Amir", "Əkrəm/Akram", "Ayxan/Aykhan", "Aqil/Agil", "Azad", "Bəxtiyar/Bakhtiyar", "Cahid/Jahid",
    "Camal/Jamal", "Cəlil/Jalil", "Cəfər/Jafar", "Ceyhun/Jeyhun", "Dilavər/Dilavar", "Eldəniz/Eldaniz",
    "Fariz", "Fəxrəddin/Fakhraddin", "Famil", "Habil", "Hafiz", "Hakim", "Hamid", "Xəyyam/Khayyam",
    "İlyas/Ilyas", "İmran/Imran", "İsa/Isa", "Malik", "Nizami", "Nail", "Pünhan/Punhan", "Sabir", "Sadiq/Sadig",
    "Sahib", "Səbuhi/Sabuhi", "Sərdar/Sardar", "Şamil/Shamil", "Şakir/Shakir", "Talıb/Talib", "Tələt/Talat",
    "Tərlan/Tarlan", "Turan", "Vahid", "Valeh", "Vasif", "Yaşar/Yashar", "Yavər/Yavar", "Zahid",
    "Zəfər/Zafar", "Zülfüqar/Zulfugar", "Rəhman/Rahman", "Süleyman/Suleyman", "Xalid/Khalid",
    "Ədalət/Adalat", "Əsəd/Asad", "Məhərrəm/Maharram", "Bəhruz/Bahruz", "Nurəddin/Nuraddin",
    "Mahmud/Makhmud", "Cabbar/Jabbar/Dzhabbar", "Tağı/Tagi", "Nağı/Nagi", "Heydər/Heydar/Geydar",
    "Fərhad/Farhad", "Fərman/Farman", "Oruc/Oruj/Orudzh", "Etibar", "Telman", "Zamiq/Zamig", "Sahil",
    "Ramal", "Mirzə/Mirza", "Yaqub/Yagub/Yakub", "Əhəd/Ahad", "Kazım/Kazim", "Atif", "Elvir", "Ayaz",
    "Aslan/Arslan", "Ziya", "Razim", "Qadir/Gadir", "Xaqani/Khagani", "Elgiz", "Şirin/Shirin",
    "Əmrah/Amrah", "Rahil", "Hacı/Haji", "Qulu/Gulu", "Novruz", "Yunis/Yunus", "Nəbi/Nabi",
    "Abdulla", "Rza", "Cəbrayıl/Jabrayil", "Hümbət/Humbat", "Qəhrəman/Gahraman",
    "Nəriman/Nariman", "Əlövsət/Alovsat", "İntiqam/Intigam", "Taleh", "Şəhriyar/Shahriyar",
    "Pərvin/Parvin", "Mətləb/Matlab", "Murtuz", "Xəyal/Khayal", "Fəqan/Fagan", "Ruhin",
    /* Azerbaijani, women */
    "Aygün/Aygun", "Aynur", "Gülnar/Gulnar", "Günay/Gunay", "Leyla/Leila", "Nərmin/Narmin", "Səbinə/Sabina",
    "Sevinc/Sevinj", "Türkan/Turkan", "Ülviyyə/Ulviyya", "Xədicə/Khadija", "Zəhra/Zahra", "Aysel",
    "Könül/Konul", "Nigar", "Lalə/Lala", "Fidan",
    "Aytən/Aytan", "Gülnarə/Gulnara", "Günel/Gunel", "Şəbnəm/Shabnam", "Nərgiz/Nargiz", "Vüsalə/Vusala",
    "Zərifə/Zarifa", "Samirə/Samira", "Aidə/Aida", "Arzu", "Elmira", "Elnarə/Elnara", "Esmira",
    "Fatimə/Fatima", "Gülər/Gular", "Kəmalə/Kamala", "Lamiyə/Lamiya", "Mehriban", "Nailə/Naila",
    "Nazilə/Nazila", "Rəna/Rana", "Sevda", "Solmaz", "Tamilla", "Təranə/Tarana", "Ulduz", "Zemfira",
    /* Georgian, men */
    "Giorgi/Georgiy/Georgi/Georgy/Guiorgui", "Davit/David/Davyd", "Levan/Levani", "Nikoloz/Nikolay/Nikolai",
    "Irakli/Irakliy", "Zurab", "Tamaz", "Revaz/Rezo", "Vakhtang", "Shota", "Otar", "Gela", "Nodar",
    "Teimuraz/Teymuraz", "Ilia/Ilya/Ilja", "Aleksandre/Aleksandr/Alexander/Alexandre/Aleksander",
    "Lasha", "Luka", "Saba", "Tornike", "Nika", "Beka", "Sandro", "Dato", "Badri", "Zaza", "Gocha",
    "Merab", "Malkhaz", "Guram", "Archil", "Koba", "Paata", "Mamuka", "Avtandil", "Jemal", "Vazha",
    "Kakha", "Goga", "Giga", "Gia", "Tengiz", "Ramaz", "Ivane/Ivan/Vano", "Besik", "Nugzar", "Elguja",
    "Konstantine/Konstantin", "Soso",
    "Aleko", "Amiran", "Anzor", "Bacho", "Dachi", "Demna", "Erekle", "Gaioz", "Iago", "Jaba", "Kote",
    "Lado", "Lekso", "Nukri", "Omar", "Rati", "Shalva", "Temo", "Tedo", "Tsotne", "Ucha", "Vato", "Zviad",
    "Zaal", "Gogi", "Valiko",
    "Gio", "Dimitri", "Bidzina", "Jambul", "Gogita", "Mamia", "Murman", "Tariel", "Shmagi", "Vasil",
    "Kakhaber",
    /* Georgian, women */
    "Nino/Nina", "Tamar/Tamara", "Ketevan", "Eka", "Ekaterine/Yekaterina/Ekaterina", "Nana", "Maia/Maya",
    "Natia", "Salome", "Sopho/Sofia/Sofiya/Sophia", "Lela", "Manana", "Tea", "Elene/Elena/Yelena",
    "Ani", "Inga", "Keti", "Khatia", "Lali", "Lia", "Marika", "Mzia", "Nato", "Nestan", "Nia", "Rusudan",
    "Sofo", "Tako", "Tamta", "Tinatin", "Tsira", "Ia",
    /* Russian, men */
    "Aleksey/Alexei/Alexey/Aleksei", "Anatoliy/Anatoly", "Andrey/Andrei", "Anton", "Arkadiy", "Boris",
    "Vadim", "Valentin", "Valeriy/Valery/Valeri", "Vasiliy/Vasily", "Viktor/Victor", "Vitaliy/Vitaly",
    "Vladimir", "Vladislav", "Vyacheslav", "Gennadiy", "Gleb", "Daniil/Danil", "Denis",
    "Dmitriy/Dmitry/Dmitri", "Yevgeniy/Evgeny/Evgeniy", "Yegor/Egor", "Igor", "Kirill", "Leonid",
    "Maksim/Maxim", "Nikita", "Oleg", "Pavel/Pavle", "Roman", "Ruslan", "Semyon/Semen", "Stanislav",
    "Stepan", "Fyodor/Fedor", "Yuriy/Yuri/Yury", "Yaroslav", "Lev", "Artyomiy",
    "Arseniy/Arseny", "Bogdan", "Vsevolod", "Gavriil", "German", "Yefim/Efim", "Zakhar", "Makar",
    "Mark", "Matvey/Matvei", "Miron", "Platon", "Prokhor", "Rodion", "Savva", "Taras", "Timofey/Timofei",
    "Filipp", "Yan", "Anatoli", "Eduard", "Gennady",
    "Ignat", "Tikhon", "Rostislav", "Klim", "Trofim", "Foma", "Kuzma", "Afanasiy", "Nikifor",
    "Fedot", "Fedos", "Sasha", "Pasha", "Misha", "Grisha", "Kolya", "Tolya", "Vova", "Vanya", "Petya",
    "Vitya", "Dima", "Dasha", "Masha", "Lena", "Lera", "Alisa", "Vika", "Tanya",
    "Natasha", "Sveta",
    /* Russian, women */
    "Aleksandra", "Alina", "Anastasiya/Anastasia", "Valentina", "Vera", "Galina", "Darya/Daria",
    "Irina", "Lyudmila/Ludmila", "Marina", "Mariya/Maria", "Nadezhda", "Natalya/Natalia",
    "Olga", "Svetlana", "Tatyana/Tatiana", "Yuliya/Julia/Yulia", "Oksana", "Larisa", "Lyubov",
    "Polina", "Kseniya/Ksenia", "Viktoriya/Victoria",
    "Alla", "Alyona/Alena", "Diana", "Zhanna", "Zoya", "Inna", "Karina", "Kristina", "Lidiya/Lidia",
    "Margarita", "Nelli", "Raisa", "Regina", "Snezhana", "Ulyana", "Elvira", "Yana", "Valeriya",
    "Veronika", "Yevgeniya/Evgenia", "Liliya/Lilia", "Zinaida",
    "Olesya", "Vasilisa", "Yelizaveta/Elizaveta", "Milana", "Varvara", "Kira", "Lada",
};
#define N_GIVEN (int)(sizeof GIVEN / sizeof GIVEN[0])
#define MAX_SPELLINGS 4096

typedef struct Spelling {
    char key[NAMES_KEY_MAX + 1];
    short group;
    short derived; /* 1 for the key of a Russian form with х for h (build's second pass) */
} Spelling;

static Spelling spellings[MAX_SPELLINGS];
static int n_spellings;
/* per name, the first letters its spellings begin with (bit c - 'a'): the initials that can
 * stand for it (О. and H. for Hovhannes, Ю. and J. for Yuri, Г. and A. for Hayk) */
static unsigned initials[N_GIVEN];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int cmp_spelling(const void *x, const void *y)
{
    const Spelling *a = (const Spelling *)x, *b = (const Spelling *)y;
    int c = strcmp(a->key, b->key);
    return c ? c : a->derived != b->derived ? a->derived - b->derived : a->group - b->group;
}

/* Keys every spelling with the fold itself, so that the table follows any change to it. When
 * two entries share a key (the fold merges them), the first entry wins: one key, one name.
 * Each spelling with an h inside its key also gets the key of the form Russian writes with х
 * (Sahib/Сахиб, Rəhim/Рахим, Bəhram/Бахрам: the fold reads х as k), unless a spelling as
 * written has that key (Zahir/Захир is Zakir's key and stays Zakir's). */
static void build(void)
{
    int g, i, out;
    for (g = 0; g < N_GIVEN; g++) {
        const char *p = GIVEN[g];
        while (*p && n_spellings + 1 < MAX_SPELLINGS) {
            const char *end = strchr(p, '/');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            char init = 0;
            Spelling *s = &spellings[n_spellings];
            int k = parley_names_word_key(p, len, s->key, &init);
            if (k > 0) {
                int first = init ? init : s->key[0];
                s->key[k] = '\0';
                s->group = (short)g;
                s->derived = 0;
                n_spellings++;
                if (first >= 'a' && first <= 'z')
                    initials[g] |= 1u << (first - 'a');
                if (strchr(s->key, 'h')) {
                    Spelling *d = &spellings[n_spellings++];
                    char *h;
                    *d = *s;
                    d->derived = 1;
                    for (h = strchr(d->key, 'h'); h; h = strchr(h + 1, 'h'))
                        *h = 'k';
                }
            }
            p += len;
            if (*p == '/')
                p++;
        }
    }
    qsort(spellings, (size_t)n_spellings, sizeof spellings[0], cmp_spelling);
    for (i = 0, out = 0; i < n_spellings; i++)
        if (out == 0 || strcmp(spellings[out - 1].key, spellings[i].key) != 0)
            spellings[out++] = spellings[i];
    n_spellings = out;
}

int parley_names_given(const char *key, int len)
{
    int lo = 0, hi;
    char k[NAMES_KEY_MAX + 1];
    if (len < 2 || len > NAMES_KEY_MAX)
        return -1;
    pthread_once(&once, build);
    memcpy(k, key, (size_t)len);
    k[len] = '\0';
    hi = n_spellings;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2, c = strcmp(spellings[mid].key, k);
        if (c == 0)
            return spellings[mid].group;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int parley_names_given_initial(int group, int letter)
{
    if (group < 0 || group >= N_GIVEN || letter < 'a' || letter > 'z')
        return 0;
    pthread_once(&once, build);
    return (initials[group] >> (letter - 'a')) & 1;
}
